using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Data;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Models;

namespace GpuPRelu.Training;

/// <summary>The per-row intermediates of a forward and backward pass for up to Rows rows per network, and the step
/// sequences over them: one launch sequence covers the whole batch of networks.</summary>
internal sealed class Workspace : IDisposable
{
    private readonly NetworkBatch _net;
    private readonly IDisposable[] _owned;

    public Workspace(NetworkBatch net, int rows)
    {
        _net = net;
        Rows = rows;
        var dev = net.Device;
        var s = net.Shape;
        long bm = (long)s.Networks * rows;
        U = dev.Allocate<float>(bm * s.Inputs);
        Ym = dev.Allocate<int>(bm);
        Q = dev.Allocate<float>(bm);
        Z = dev.Allocate<float>(bm * s.Hidden);
        A = dev.Allocate<float>(bm * s.Hidden);
        Gz = dev.Allocate<float>(bm * s.Hidden);
        T = dev.Allocate<float>(bm * s.Hidden);
        F = dev.Allocate<float>(bm * s.Outputs);
        G = dev.Allocate<float>(bm * s.Outputs);
        Loss = dev.Allocate<float>(bm);
        Correct = dev.Allocate<float>(bm);
        Sums = dev.Allocate<float>(2L * s.Networks);
        R = dev.Allocate<float>((long)s.Networks * s.Hidden);
        DTheta = dev.Allocate<float>(s.ParameterCount);
        Q.Clear();
        _owned = [U, Ym, Q, Z, A, Gz, T, F, G, Loss, Correct, Sums, R, DTheta];
    }

    public int Rows { get; }
    public DeviceBuffer<float> U { get; }
    public DeviceBuffer<int> Ym { get; }
    public DeviceBuffer<float> Q { get; }
    public DeviceBuffer<float> Z { get; }
    public DeviceBuffer<float> A { get; }
    public DeviceBuffer<float> Gz { get; }
    public DeviceBuffer<float> T { get; }
    public DeviceBuffer<float> F { get; }
    public DeviceBuffer<float> G { get; }
    public DeviceBuffer<float> Loss { get; }
    public DeviceBuffer<float> Correct { get; }
    public DeviceBuffer<float> Sums { get; }
    public DeviceBuffer<float> R { get; }
    public DeviceBuffer<float> DTheta { get; }

    /// <summary>‖w_j‖ of every neuron; call after each parameter update, before Forward.</summary>
    public void ColumnNorms() => _net.Device.Kernels.ColumnNorms(_net.Shape, _net.Theta.View, R.View);

    /// <summary>Gathers `rows` rows (from `offset` in `order`) of each network's data set, runs the forward pass and the
    /// loss, leaving f, g = scale·∂loss/∂f, the per-row loss and correctness in the workspace.</summary>
    public BatchShape Forward(DeviceData data, DeviceView<int> order, int offset, int rows, LossKind loss, float scale)
    {
        var s = Gather(data, order, offset, rows);
        ForwardRows(s, new LossSpec((int)loss, scale));
        return s;
    }

    /// <summary>Gathers `rows` rows (from `offset` in `order`) of each network's data set into U and Ym, minus the centers.</summary>
    public BatchShape Gather(DeviceData data, DeviceView<int> order, int offset, int rows)
    {
        var s = _net.Shape.WithSamples(rows);
        _net.Device.Kernels.Gather(s, new RowSelection(data.Samples, offset), data.X.View, data.Y.View, data.SetOf.View, order,
            _net.Center.View, U.View, Ym.View);
        return s;
    }

    /// <summary>Forward pass and loss on the rows already in U and Ym (attacks, evaluation of given points).</summary>
    public void ForwardRows(BatchShape s, LossKind loss, float scale) => ForwardRows(s, new LossSpec((int)loss, scale));

    /// <summary>The forward pass of the rows already in U and the loss `loss`.</summary>
    public void ForwardRows(BatchShape s, LossSpec loss)
    {
        Logits(s);
        _net.Device.Kernels.Loss(s, loss, F.View, Ym.View, G.View, Loss.View, Correct.View);
    }

    /// <summary>The forward pass of the rows already in U, up to the outputs F (a loss of the caller's follows; the distance
    /// ascent seeds G with 1 so that InputGradient gives ∇f).</summary>
    public void Logits(BatchShape s)
    {
        var k = _net.Device.Kernels;
        if (s.NormalizeInput != 0)
            k.InputNorms(s, U.View, Q.View);
        k.Forward(s, U.View, _net.Theta.View, _net.P.View, R.View, Q.View, Z.View, A.View, F.View);
    }

    /// <summary>∂loss/∂u of every row of the last forward pass into `du` [B, M, D] (the input gradient attacks follow).</summary>
    public void InputGradient(BatchShape s, DeviceView<float> du)
    {
        var k = _net.Device.Kernels;
        k.HiddenBackward(s, _net.Theta.View, _net.P.View, R.View, Q.View, Z.View, A.View, G.View, Gz.View, T.View);
        k.InputBackward(s, U.View, _net.Theta.View, _net.P.View, Q.View, Gz.View, T.View, du);
    }

    /// <summary>Back-propagates the g left by Forward into DTheta (and into the hidden intermediates Gz, T).</summary>
    public void Backward(BatchShape s)
    {
        var k = _net.Device.Kernels;
        k.OutputBackward(s, A.View, G.View, DTheta.View);
        k.HiddenBackward(s, _net.Theta.View, _net.P.View, R.View, Q.View, Z.View, A.View, G.View, Gz.View, T.View);
        k.WeightBackward(s, U.View, _net.Theta.View, _net.P.View, R.View, Gz.View, T.View, DTheta.View);
    }

    /// <summary>Whether EachNetwork runs on this device for this batch (the managed CPU path, enough networks per core).</summary>
    public bool RunsTrainSteps => _net.Device.Kernels.RunsTrainSteps(_net.Shape);

    /// <summary>The run of optimizer steps `schedule` on `data` in `order`, `train` running them on each network's rows on
    /// one core: the same θ (and Adam's m, v), bit for bit, as the launches over the batch.</summary>
    public void EachNetwork(DeviceData data, DeviceView<int> order, StepSchedule schedule, DeviceView<float> m, DeviceView<float> v,
        Action<ITrainingRows> train)
    {
        var buffers = new TrainingBuffers(data.X.View, data.Y.View, data.SetOf.View, order, _net.Center.View, _net.Theta.View,
            _net.P.View, Rows, U.View, Ym.View, Q.View, Z.View, A.View, F.View, G.View, Loss.View, Correct.View, R.View,
            DTheta.View, schedule.Adam ? m : null, schedule.Adam ? v : null);
        _net.Device.Kernels.EachNetworkTraining(_net.Shape, buffers, schedule, train);
    }

    /// <summary>Per-network sums of loss and correct rows over the last Forward, copied to the host as [B, 2].</summary>
    public float[] RowSums(BatchShape s)
    {
        _net.Device.Kernels.RowSums(s, Loss.View, Correct.View, Sums.View);
        return Sums.ToHost();
    }

    public void Dispose()
    {
        foreach (var buffer in _owned)
            buffer.Dispose();
    }
}
