using System.Globalization;
using GpuPRelu.Attacks;
using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of CertifyConfig as flags and YAML keys: attack's model, data, norm, box and radii fields (the same
/// flags, lifted; the real data's too), the optional attack, then the certification's own.</summary>
public static class CertifyFields
{
    // attack's fields that mean the same here; its attack settings apply to the optional attack
    private static readonly HashSet<string> Shared =
    [
        "network", "model", "p", "input-dim", "subclasses", "positive-subclasses", "random-centers", "alpha", "seed", "n", "norm",
        "radii", "box", "normalize-input", "steps", "restarts", "targets", "queries",
    ];

    /// <summary>Every field, in help order.</summary>
    public static IReadOnlyList<ConfigField<CertifyConfig>> All { get; } =
    [
        .. AttackFields.All.Where(f => Shared.Contains(f.Flag) || DataFields.Real.Any(r => r.Flag == f.Flag))
            .Select(f => f.Lift<CertifyConfig>(c => c.Source, (c, a) => c with { Source = a })),
        new("attack", "none (default) | an attack or list as `attack` takes it (standard: AutoAttack's sequence); its broken radii and fab-t's norms bound each certified radius from above (certified.csv's attack_radius and gap)",
            false, (c, v) => v == "none" ? c with { RunAttack = false } : c with { RunAttack = true, Source = c.Source with { Attack = AttackKind.Parse(v) } })
            { Show = c => c.RunAttack ? string.Join(",", c.Source.Attack.Select(a => a.Name)) : "none" },
        new("branches", "branch-and-bound budget per point and radius: branches evaluated before giving up (1: the optimized bound alone)", false,
            (c, v) => c with { Branches = Count("branches", v) }) { Show = c => c.Branches.ToString(CultureInfo.InvariantCulture) },
        new("iterations", "ascent steps of the bound's tangent points, slopes and multipliers per branch and radius", false,
            (c, v) => c with { Iterations = Count("iterations", v) }) { Show = c => c.Iterations.ToString(CultureInfo.InvariantCulture) },
        new("device-screen", "a float32 bisection on the device (the CROWN bound batched over networks × points) gives each point a candidate radius that the float64 search checks and goes on from (l2, and l∞ without a box)", true,
            (c, v) => c with { DeviceScreen = Switch("device_screen", v) }),
    ];
}
