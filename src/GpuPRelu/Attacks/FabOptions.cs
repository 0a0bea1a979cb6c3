namespace GpuPRelu.Attacks;

/// <summary>FAB-T as AutoAttack runs it (docs/attacks.md §9.3): norm (l∞, l2, or l1 in a box), iterations per run (100),
/// restarts per target (1; the first from the clean point, the others from a random start at StartRadius/2, as AutoAttack's
/// at its ε), the number of targets (the classes ranked 2, 3, … by the clean logits; null: all C − 1, one for a one-output
/// network), an optional box [BoxLo, BoxHi], the seed of the random starts, and AutoAttack's α_max 0.1, η 1.05, β 0.9.
/// StopAt: a point stops once its best norm is ≤ StopAt (the smallest positive radius of a robust-accuracy grid: its
/// verdict at every radius is then final, as AutoAttack stops a point its FAB-T has broken at ε); null searches every
/// target and restart for the smallest norm (min_radius.csv, per-point norms).</summary>
public sealed record FabOptions(AttackNorm Norm, int Iterations = 100, int Restarts = 1, int? Targets = null, double? BoxLo = null,
    double? BoxHi = null, int Seed = 0, double StartRadius = 0, double AlphaMax = 0.1, double Eta = 1.05, double Beta = 0.9,
    double? StopAt = null)
{
    /// <summary>Polled at every step: once cancelled (a signal through the CLI), the attack stops there with
    /// OperationCanceledException. Not part of the attack's definition (no result depends on it).</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>The FAB-T attack of a run's settings (AutoAttack's constants; restarts after the first start at half the
    /// largest radius).</summary>
    public static FabOptions Of(AttackSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Norm, s.Steps, s.Restarts, s.Targets, s.BoxLo, s.BoxHi, s.Seed, s.Radii.Count > 0 ? s.Radii.Max() : 0) { Cancel = s.Cancel };
    }

    /// <summary>Targets for a model of `classes` classes (2 for one output): as given, else classes − 1.</summary>
    public int TargetCount(int classes) => Targets ?? classes - 1;

    /// <summary>Every rule the options break, naming the field; `classes` is the model's number of classes (2 for one output).</summary>
    public IReadOnlyList<string> Validate(int classes)
    {
        var e = new List<string>();
        if (Iterations < 1)
            e.Add($"steps must be ≥ 1, got {Iterations}");
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
        if (Targets is < 1)
            e.Add($"targets must be ≥ 1, got {Targets}");
        else if (Targets is { } t && t >= classes)
            e.Add($"targets must be < the number of classes ({classes}; the true class is never a target), got {t}");
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        if (Norm == AttackNorm.L1 && BoxLo is null)
            e.Add("box: fab-t with norm l1 needs one (--box lo,hi): without it the minimal l1 step puts everything on one coordinate and the projection is unbounded");
        if (Restarts > 1 && !(StartRadius > 0))
            e.Add($"restarts > 1 need a positive start radius (the largest radius), got {StartRadius}");
        if (!(AlphaMax > 0 && AlphaMax < 1) || !(Eta >= 1) || !(Beta > 0 && Beta < 1))
            e.Add($"alpha_max must be in (0, 1), eta ≥ 1, beta in (0, 1); got {AlphaMax}, {Eta}, {Beta}");
        return e;
    }
}
