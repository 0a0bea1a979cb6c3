using GpuPRelu.Attacks;

namespace GpuPRelu.Certification;

/// <summary>What a certification proves and how hard it tries (docs/certify.md): the threat norm, an optional input box
/// (used by l∞ only; l2 and l1 certify the whole ball, a superset), the branch-and-bound budget per check (1: the
/// optimized CROWN bound alone), the bound's optimization steps and the bisection's limits.</summary>
public sealed record CertifyOptions(AttackNorm Norm, double? BoxLo = null, double? BoxHi = null, int Branches = 1)
{
    /// <summary>Steps of the tangent / slope / multiplier ascent on one domain at one radius.</summary>
    public int Iterations { get; init; } = 24;

    /// <summary>Bisection steps on the radius after the bracket is found.</summary>
    public int BisectionSteps { get; init; } = 20;

    /// <summary>The bisection stops when (hi − lo) ≤ RelativeWidth·hi.</summary>
    public double RelativeWidth { get; init; } = 1e-3;

    /// <summary>Whether a float32 bisection on the device (CrownBound over networks × points, docs/certify.md §6) gives each
    /// point a candidate radius before the float64 search, which checks it and searches on from it. l2, and l∞ without a
    /// box; elsewhere the search runs on the host alone.</summary>
    public bool DeviceScreen { get; init; }

    /// <summary>Polled at every branch of every margin (Certifier.Run sets it): a cancelled run stops within one bound's
    /// ascent instead of finishing the points in flight. No result depends on it.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Every rule the options break, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Branches < 1)
            e.Add($"branches must be ≥ 1 (1: no branching), got {Branches}");
        if (Iterations < 1)
            e.Add($"iterations must be ≥ 1, got {Iterations}");
        if ((BoxLo is null) != (BoxHi is null) || BoxLo is { } lo && BoxHi is { } hi && !(lo < hi))
            e.Add($"box must be lo,hi with lo < hi, got {BoxLo},{BoxHi}");
        return e;
    }
}
