namespace GpuPRelu.Models;

/// <summary>Gaussian: std ε on W and V, bias 0 (the paper's small init). Kaiming: PyTorch's kaiming_uniform_ on the
/// [D, H] tensor and nn.Linear's default for the output layer (docs/design.md §3).</summary>
public enum InitKind
{
    Gaussian,
    Kaiming,
}
