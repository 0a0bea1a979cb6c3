using GpuPRelu.Kernels.Training;

namespace GpuPRelu.Devices;

/// <summary>The rows of a run of optimizer steps as a device trains them: every network's at once by launches over the
/// batch, or one network's on one core (KernelLaunchers.EachNetworkTraining). The step itself — which of these runs
/// when — is Trainer's, the same for both.</summary>
internal interface ITrainingRows
{
    /// <summary>`rows` rows from `offset` of each network's order of its data set, minus its center (and their norms).</summary>
    void Gather(int offset, int rows);

    /// <summary>‖w_j‖ of every neuron (after the last update).</summary>
    void ColumnNorms();

    /// <summary>The forward pass of the gathered rows and the loss: f, g = scale·∂loss/∂f, the per-row loss and correctness.</summary>
    void Forward(int rows, LossSpec loss);

    /// <summary>The backward pass of the output and hidden layers (dv, the bias's gradient, G_z), and dW where the update
    /// does not compute it itself.</summary>
    void Backward(int rows);

    /// <summary>The optimizer's step of θ (SGD, or Adam's step number t), with dW computed in the same pass where the
    /// device folds it in.</summary>
    void Update(int rows, long t);
}
