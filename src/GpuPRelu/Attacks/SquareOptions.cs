namespace GpuPRelu.Attacks;

/// <summary>The Square attack as AutoAttack runs it (docs/attacks.md §9.4): norm (l∞ or l2), queries per point (5000),
/// the initial fraction p_init (0.8) of the schedule, an optional box [BoxLo, BoxHi] and the seed of its draws. Points are
/// laid out as one-channel images Height × Width = D, Height the largest divisor of D not above √D (MNIST 28 × 28).
/// SharedDraws draws as AutoAttack's square.py does, for number-for-number comparisons: one window position per iteration
/// for every point of a network (and, for l∞, one sign), corners ⌊U·(side − s)⌋ (never the last row or column); the
/// default draws per point over every window position.</summary>
public sealed record SquareOptions(AttackNorm Norm, int Queries = 5000, double PInit = 0.8, double? BoxLo = null, double? BoxHi = null,
    int Seed = 0, bool SharedDraws = false)
{
    /// <summary>Polled at every step: once cancelled (a signal through the CLI), the attack stops there with
    /// OperationCanceledException. Not part of the attack's definition (no result depends on it).</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>The Square attack of a run's settings (AutoAttack's 5000 queries unless given, p_init 0.8; draws seeded by
    /// the settings' seed).</summary>
    public static SquareOptions Of(AttackSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Norm, s.Queries ?? 5000, 0.8, s.BoxLo, s.BoxHi, s.Seed, s.SquareSharedDraws) { Cancel = s.Cancel };
    }

    /// <summary>Every rule the options break for inputs of dimension D, naming the field.</summary>
    public IReadOnlyList<string> Validate(int inputs)
    {
        var e = new List<string>();
        if (AttackKind.Square.NormError(Norm) is { } norm)
            e.Add(norm);
        if (Queries < 1)
            e.Add($"queries must be ≥ 1, got {Queries}");
        if (!(PInit > 0 && PInit <= 1))
            e.Add($"p_init must be in (0, 1], got {PInit}");
        if (BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {lo},{hi}");
        var (h, w) = Layout(inputs);
        if (Norm == AttackNorm.L2 && h < 5)
            e.Add($"square l2 needs an image side ≥ 5 (its first squares are a fifth of it); D = {inputs} lays out as {h} × {w}");
        return e;
    }

    /// <summary>The image layout of D inputs: Height the largest divisor of D with Height² ≤ D, Width = D/Height.</summary>
    public static (int Height, int Width) Layout(int inputs)
    {
        int h = (int)Math.Sqrt(inputs);
        while (h > 1 && inputs % h != 0)
            h--;
        return (h, inputs / h);
    }
}
