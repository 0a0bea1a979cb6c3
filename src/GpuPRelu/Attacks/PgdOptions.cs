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

    /// <summary>The PGD attack of a run's settings as the paper runs it: the step size as given, else 0.1; the loss a mean
    /// over `refBatch` points; the l2 direction g/(‖g‖ + 1e-7); from the clean point or a random start.</summary>
    public static PgdOptions Of(AttackSettings s, LossKind loss, int refBatch)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Norm, s.Steps, s.StepSize ?? 0.1, loss, s.BoxLo, s.BoxHi, s.RandomStart, refBatch, Guard: 1e-7, s.Seed) { Cancel = s.Cancel };
    }

    /// <summary>Every rule the options break, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Steps < 1)
            e.Add($"steps must be ≥ 1, got {Steps}");
        if (!(StepSize > 0) || double.IsInfinity(StepSize))
            e.Add($"step_size must be > 0 and finite, got {StepSize}");
        if (AttackKind.Pgd.NormError(Norm) is { } norm)
            e.Add(norm);
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        if (RefBatch < 1)
            e.Add($"ref_batch must be ≥ 1, got {RefBatch}");
        if (!(Guard >= 0) || double.IsInfinity(Guard))
            e.Add($"guard must be ≥ 0 and finite, got {Guard}");
        return e;
    }
}
