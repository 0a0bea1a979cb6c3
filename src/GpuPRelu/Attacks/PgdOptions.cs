using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>A PGD attack: norm, number of steps and step size (the paper's: l2, 2000 steps of 0.1 from zero, exponential
/// loss), the loss ascended, and an optional box [BoxLo, BoxHi] on the input.</summary>
public sealed record PgdOptions(AttackNorm Norm, int Steps, double StepSize, LossKind Loss, double? BoxLo = null, double? BoxHi = null)
{
    /// <summary>Every rule the options break, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Steps < 1)
            e.Add($"steps must be ≥ 1, got {Steps}");
        if (!(StepSize > 0) || double.IsInfinity(StepSize))
            e.Add($"step_size must be > 0 and finite, got {StepSize}");
        if (Norm == AttackNorm.L1)
            e.Add("norm l1 is not available for PGD; use l2 or linf");
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        return e;
    }
}
