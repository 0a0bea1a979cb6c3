namespace GpuPRelu.Training;

/// <summary>Gd: full-batch gradient descent with a tiny step (gradient flow, docs/design.md §1); Sgd: mini-batches reshuffled
/// every epoch; Adam: PyTorch's defaults.</summary>
public enum OptimizerKind
{
    Gd,
    Sgd,
    Adam,
}
