using System.Globalization;
using GpuPRelu.Attacks;
using GpuPRelu.Models;
using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of AttackConfig as flags and YAML keys: the model, the synthetic test data, the attack, the
/// evaluation's outputs, then the real data's fields (DataFields.Real; --data synthetic keeps AttackConfig.Data null).</summary>
public static class AttackFields
{
    private static readonly DataSpec SyntheticData = new() { Source = DataSourceKind.Synthetic };

    private static string N(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every field, in help order.</summary>
    public static IReadOnlyList<ConfigField<AttackConfig>> All { get; } =
    [
        new("network", "networks.safetensors (from train --save, or a PyTorch state dict)", false, (c, v) => c with { NetworkFile = Path.GetFullPath(v) }),
        new("model", "F or Fp: the ideal classifiers of the data's centers", false,
            (c, v) => c with { Model = Choice("model", v, ("F", IdealKind.F), ("Fp", IdealKind.Fp)) }),
        new("p", "--model Fp: degrees of F^(p), list (3); --network: p of the networks, one for all or one per network (default: the file's; needed for a PyTorch state dict)",
            false, (c, v) => c with { P = ValueList.Parse("p", v) }),
        new("input-dim", "D of the data (the network file's by default; 100 for --model)", false, (c, v) => c with { InputDim = Count("input_dim", v) }),
        new("subclasses", "K", false, (c, v) => c with { Subclasses = Count("subclasses", v) }) { Show = c => N(c.Subclasses) },
        new("positive-subclasses", "K1", false, (c, v) => c with { PositiveSubclasses = Count("positive_subclasses", v) }) { Show = c => N(c.PositiveSubclasses) },
        new("random-centers", "random orthonormal centers instead of e_1..e_K", true, (c, v) => c with { RandomCenters = Switch("random_centers", v) }),
        new("alpha", "α of the data when the network file does not record it", false, (c, v) => c with { Alpha = Number("alpha", v) }) { Show = c => N(c.Alpha) },
        new("seed", "seed of the data when the network file does not record it", false, (c, v) => c with { Seed = Count("seed", v) }) { Show = c => N(c.Seed) },
        new("n", "test points per network (real data: its first N samples, all when fewer)", false, (c, v) => c with { N = Count("n", v) }) { Show = c => N(c.N) },
        new("norm", $"{string.Join(" | ", AttackNorms.All.Select(n => n.Name))} (l1 for APGD in a --box only)", false,
            (c, v) => c with { Norm = Choice("norm", v, [.. AttackNorms.All]) }) { Show = c => AttackNorms.Name(c.Norm) },
        new("attack", AttackKind.Help, false, (c, v) => c with { Attack = AttackKind.Parse(v) }) { Show = c => string.Join(",", c.Attack.Select(a => a.Name)) },
        new("radii", "increasing radii, list or start:stop:count", false, (c, v) => c with { Radii = ValueList.Parse("radii", v) }) { Show = c => ValueList.Format(c.Radii) },
        new("steps", "PGD steps or APGD iterations per restart (2000, the paper's, for pgd; 100 for APGD)", false, (c, v) => c with { Steps = Count("steps", v) }),
        new("step-size", $"{AttackKind.Reading("step_size")}: step (0.1, the paper's; APGD adapts its own from 2ε)", false, (c, v) => c with { StepSize = Number("step_size", v) }),
        new("restarts", $"{AttackKind.Reading("restarts")}: runs, each from its own start on the points still robust (per target for the targeted ones)", false, (c, v) => c with { Restarts = Count("restarts", v) }) { Show = c => N(c.Restarts) },
        new("random-start", "pgd: start in the ball at random instead of the clean point (APGD always does)", true,
            (c, v) => c with { RandomStart = Switch("random_start", v) }),
        new("box", "lo,hi: keep inputs in a box, or none (mnist: 0,1 as AutoAttack; otherwise none)", false, Box),
        new("min-radius", "write min_radius.csv: the exact radius of each point (--model), or FAB-T's smallest perturbation per point, an upper bound (--network)", true, (c, v) => c with { MinRadius = Switch("min_radius", v) }),
        new("normalize-input", "--network: true | false, divide a_j by ‖x − c‖^(p−1) (default: the file's metadata, else false)", false,
            (c, v) => c with { NormalizeInput = Switch("normalize_input", v) }),
        new("targets", $"{AttackKind.Reading("targets")}: target classes, the top ones of the clean logits after the label (all C − 1; one for one output)", false,
            (c, v) => c with { Targets = Count("targets", v) }),
        new("queries", $"{AttackKind.Reading("queries")}: queries per point (5000)", false, (c, v) => c with { Queries = Count("queries", v) }),
        new("square-draws", $"{AttackKind.Reading("square_draws")}: per-point (each point its own window, over every position) | autoattack (one window per iteration for all points, never the last row or column: AutoAttack's square.py, for comparisons with it)", false,
            (c, v) => c with { SquareSharedDraws = Choice("square_draws", v, ("per-point", false), ("autoattack", true)) })
            { Show = c => c.SquareSharedDraws ? "autoattack" : "per-point" },
        new("per-point", "write points.csv: per network and point, the smallest radius it broke at, the attack, the perturbation's norm", true,
            (c, v) => c with { PerPoint = Switch("per_point", v) }),
        new("save-adversarial", "write adversarial.safetensors: x_adv [networks, radii, points, D], radii, broken_at", true,
            (c, v) => c with { SaveAdversarial = Switch("save_adversarial", v) }),
        // real data (mnist or features) replaces the synthetic test sets; the synthetic source leaves Data null
        .. DataFields.Real.Select(f => f.Lift<AttackConfig>(c => c.Data ?? SyntheticData, (c, d) => c with { Data = d == SyntheticData ? null : d })),
    ];

    private static AttackConfig Box(AttackConfig c, string v)
    {
        if (v == "none")
            return c with { BoxLo = null, BoxHi = null };
        var parts = v.Split(',');
        if (parts.Length != 2)
            throw new FormatException($"box must be lo,hi, got '{v}'");
        return c with { BoxLo = Number("box", parts[0]), BoxHi = Number("box", parts[1]) };
    }
}
