using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>A PGD attack: norm, number of steps and step size, the loss ascended, an optional box [BoxLo, BoxHi] on the
/// input, a random start (TA: l∞ uniform in the cube, l2 a uniform radius along a Gaussian direction; else the clean
/// point), the reference batch whose mean the loss is (its gradient is scaled by 1/RefBatch; 1 = sum), the guard of the l2
/// direction g/(‖g‖ + Guard), and the seed of the starts (docs/attacks.md §1, §5).</summary>
public sealed record PgdOptions(AttackNorm Norm, int Steps, double StepSize, LossKind Loss, double? BoxLo = null, double? BoxHi = null,
    bool RandomStart = false, int RefBatch = 1, double Guard = 1e-12, int Seed = 0)
{
    /// <summary>Polled at every step: once cancelled (a signal through the CLI), the attack stops there with
    /// OperationCanceledException. Not part of the attack's definition (no result depends on it).</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>The paper's attack (PR `adv_atk_batch_bin_class`): l2, 2000 steps of 0.1 from zero, exponential loss as a
    /// mean over the whole test set of `testPoints`, direction g/(‖g‖ + 1e-7), no box.</summary>
    public static PgdOptions Paper(int testPoints) => new(AttackNorm.L2, 2000, 0.1, LossKind.Exp, RefBatch: testPoints, Guard: 1e-7);

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
        if (RefBatch < 1)
            e.Add($"ref_batch must be ≥ 1, got {RefBatch}");
        if (!(Guard >= 0) || double.IsInfinity(Guard))
            e.Add($"guard must be ≥ 0 and finite, got {Guard}");
        return e;
    }
}
