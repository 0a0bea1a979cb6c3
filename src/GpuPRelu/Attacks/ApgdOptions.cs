namespace GpuPRelu.Attacks;

/// <summary>The loss APGD ascends: cross-entropy (logistic for one output), DLR (≥ 3 classes) or APGD-T's targeted DLR
/// (the margin loss towards the other class for two classes or one output).</summary>
public enum ApgdLoss
{
    CrossEntropy,
    Dlr,
    TargetedDlr,
}

/// <summary>An APGD attack as AutoAttack runs it (docs/attacks.md §2): norm, loss, iterations per run (100), restarts
/// (each only on the points still robust), random start on the sphere / in the cube (false: start at the clean point),
/// an optional box [BoxLo, BoxHi] on the input, the seed of the starts and the oscillation threshold ρ (0.75); for APGD-T
/// the number of targets, the classes ranked 2, 3, … by the clean logits (null: all C − 1; one for a one-output network),
/// each target a run of `Restarts` restarts on the points still robust (docs/attacks.md §9.2).</summary>
public sealed record ApgdOptions(AttackNorm Norm, ApgdLoss Loss, int Iterations = 100, int Restarts = 1, bool RandomStart = true,
    double? BoxLo = null, double? BoxHi = null, int Seed = 0, double Rho = 0.75, int? Targets = null)
{
    /// <summary>Polled at every step: once cancelled (a signal through the CLI), the attack stops there with
    /// OperationCanceledException. Not part of the attack's definition (no result depends on it).</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>The APGD attack of a run's settings with the given loss (random starts seeded by the settings' seed; the
    /// targets for APGD-T only).</summary>
    public static ApgdOptions Of(AttackSettings s, ApgdLoss loss)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Norm, loss, s.Steps, s.Restarts, RandomStart: true, s.BoxLo, s.BoxHi, s.Seed,
            Targets: loss == ApgdLoss.TargetedDlr ? s.Targets : null) { Cancel = s.Cancel };
    }

    /// <summary>Targets APGD-T runs for a model of `classes` classes (2 for one output): as given, else classes − 1;
    /// 1 for the untargeted losses.</summary>
    public int TargetCount(int classes) => Loss == ApgdLoss.TargetedDlr ? Targets ?? classes - 1 : 1;

    /// <summary>Every rule the options break, naming the field; `classes` is the models' number of outputs' classes.</summary>
    public IReadOnlyList<string> Validate(int classes)
    {
        var e = new List<string>();
        if (Iterations < 1)
            e.Add($"steps must be ≥ 1, got {Iterations}");
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        if (!(Rho > 0 && Rho < 1))
            e.Add($"rho must be in (0, 1), got {Rho}");
        if (Loss == ApgdLoss.Dlr && classes < 3)
            e.Add($"attack apgd-dlr needs ≥ 3 classes (its loss ranks the top three logits); the model has {classes}; use apgd-ce");
        if (Targets is < 1)
            e.Add($"targets must be ≥ 1, got {Targets}");
        else if (Targets is { } t && t >= classes)
            e.Add($"targets must be < the number of classes ({classes}; the true class is never a target), got {t}");
        if (Targets is not null && Loss != ApgdLoss.TargetedDlr)
            e.Add("targets applies to apgd-t only");
        if (Norm == AttackNorm.L1 && BoxLo is null)
            e.Add("norm l1 APGD needs a box (box lo,hi): its sparse step and projection assume a bounded domain, as AutoAttack's [0, 1]");
        return e;
    }

    /// <summary>The checkpoint schedule for N iterations: l∞ and l2 have a first window ⌊0.22N⌋, shrinking by ⌊0.03N⌋ down
    /// to ⌊0.06N⌋ (each at least 1); l1 a fixed one of ⌊0.04N⌋. The (0-based) iterations after which a checkpoint runs, with
    /// that window's length.</summary>
    public IEnumerable<(int Iteration, int Window)> Checkpoints()
    {
        if (Norm == AttackNorm.L1)
        {
            // l1: a fixed window of max(⌊0.04N⌋, 1) (docs/attacks.md §3)
            int w = Math.Max((int)(0.04 * Iterations), 1);
            for (int i = w - 1; i < Iterations; i += w)
                yield return (i, w);
            yield break;
        }
        int k = Math.Max((int)(0.22 * Iterations), 1), min = Math.Max((int)(0.06 * Iterations), 1), dec = Math.Max((int)(0.03 * Iterations), 1);
        for (int i = k - 1; i < Iterations; i += k)
        {
            yield return (i, k);
            k = Math.Max(k - dec, min);
        }
    }
}
