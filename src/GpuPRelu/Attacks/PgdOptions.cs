using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>A PGD attack: norm, number of steps and step size (the paper's: l2, 2000 steps of 0.1 from zero, exponential
/// loss), the loss ascended, an optional box [BoxLo, BoxHi] on the input, and Restarts runs from random starts in the
/// ball (l2: uniform radius along a Gaussian direction; l∞: uniform in the cube; research/attacks.md §1), drawn from
/// Seed. The first run starts at zero unless RandomStart.</summary>
public sealed record PgdOptions(AttackNorm Norm, int Steps, double StepSize, LossKind Loss, double? BoxLo = null, double? BoxHi = null,
    bool RandomStart = false, int Restarts = 1, int Seed = 0)
{
    /// <summary>Every rule the options break, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Steps < 1)
            e.Add($"steps must be ≥ 1, got {Steps}");
        if (!(StepSize > 0) || double.IsInfinity(StepSize))
            e.Add($"step_size must be > 0 and finite, got {StepSize}");
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        return e;
    }
}
