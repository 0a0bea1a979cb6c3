using System.Text.Json.Serialization;
using GpuPRelu.Attacks;
using GpuPRelu.Certification;

namespace GpuPRelu.Configs;

/// <summary>What `gpuprelu certify` proves: the models and test data exactly as `attack` takes them (a networks file or
/// F / F^(p), synthetic or real data, the norm, the box, the radii of robust_accuracy.csv), the branch-and-bound budget,
/// and optionally an attack run on the same points for the gap between the proven and the attacked radius.</summary>
public sealed record CertifyConfig
{
    /// <summary>The models, data, norm, box, radii and (when RunAttack) the attack, as `attack` reads them.</summary>
    public AttackConfig Source { get; init; } = new();

    /// <summary>Whether an attack runs after the certification (Source.Attack): its radii bound the certified ones from above.</summary>
    public bool RunAttack { get; init; }

    /// <summary>Branches per point and radius (1: the optimized bound alone).</summary>
    public int Branches { get; init; } = 1;

    /// <summary>Ascent steps of the bound's parameters per branch and radius.</summary>
    public int Iterations { get; init; } = 24;

    /// <summary>Whether a float32 bisection on the device gives each point a candidate radius that the float64 search
    /// checks and goes on from (CertifyOptions.DeviceScreen; l2, and l∞ without a box).</summary>
    public bool DeviceScreen { get; init; }

    [JsonIgnore] public CertifyOptions Options => new(Source.Norm, Source.BoxLo, Source.BoxHi, Branches)
    {
        Iterations = Iterations,
        DeviceScreen = DeviceScreen,
    };

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        // the attack's own rules apply only when it runs
        e.AddRange(RunAttack ? Source.Validate() : (Source with { Attack = [AttackKind.Pgd] }).Validate());
        e.AddRange(Options.Validate());
        if (Source.P is { } ps && ps.Any(p => !(p >= 1) || double.IsInfinity(p)))
            e.Add($"p must be finite and ≥ 1 to certify (ReLU^p convex), got {string.Join(",", ps)}");
        if (DeviceScreen && !BoundScreen.Covers(Options))
            e.Add($"device_screen covers l2 and l∞ without a box (the ball of its kernel), got norm {AttackNorms.Name(Source.Norm)}{(Source.BoxLo is null ? "" : " with a box")}; drop device_screen to certify on the host");
        if (RunAttack && (Source.PerPoint || Source.SaveAdversarial))
            e.Add("per_point and save_adversarial belong to `attack`; certify writes certified.csv per point");
        return e;
    }
}
