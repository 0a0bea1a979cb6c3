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

    [JsonIgnore] public CertifyOptions Options => new(Source.Norm, Source.BoxLo, Source.BoxHi, Branches) { Iterations = Iterations };

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        // the attack's own rules apply only when it runs
        e.AddRange(RunAttack ? Source.Validate() : (Source with { Attack = [AttackKind.Pgd] }).Validate());
        e.AddRange(Options.Validate());
        if (Source.NormalizeInput == true)
            e.Add("normalize_input networks cannot be certified (a_j divided by ‖x − c‖^(p−1) is not a function of ⟨w_j, x − c⟩ alone); certify networks trained without it");
        if (Source.P is { } ps && ps.Any(p => !(p >= 1) || double.IsInfinity(p)))
            e.Add($"p must be finite and ≥ 1 to certify (ReLU^p convex), got {string.Join(",", ps)}");
        if (RunAttack && (Source.PerPoint || Source.SaveAdversarial))
            e.Add("per_point and save_adversarial belong to `attack`; certify writes certified.csv per point");
        return e;
    }
}
