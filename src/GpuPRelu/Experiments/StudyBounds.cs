using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>The two sides of a study's robust accuracy beside the attack it reproduces (the paper's PGD, or APGD-CE on
/// real data): from above, AutoAttack's standard ensemble (the strongest attack the tool has); from below, the certified
/// radii (Certifier: every perturbation inside them provably leaves the decision unchanged). Both on the same networks,
/// points and radii as the study's attack, each a list of robust_accuracy.csv rows.</summary>
public static class StudyBounds
{
    /// <summary>The study keys' attack values: the paper's attack (the default), or AutoAttack's standard ensemble run
    /// after it on the same points (the band's upper side).</summary>
    public static IReadOnlyList<AttackKind> StudyAttacks { get; } = [AttackKind.Pgd, AttackKind.Standard];

    /// <summary>`attacked` networks of `net`, each on points[b] (b its position in `attacked`), under AutoAttack's standard
    /// ensemble in `norm` at every radius (inside [boxLo, boxHi] when given): one row per network and radius, attack
    /// "standard".</summary>
    public static List<RobustAccuracyRow> Standard(NetworkBatch net, IReadOnlyList<NetworkInfo> attacked, IReadOnlyList<DataSet> points,
        AttackNorm norm, IReadOnlyList<double> radii, (double Lo, double Hi)? box, Func<NetworkInfo, string> names, Action<string>? log,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(attacked);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(names);
        var config = new AttackConfig { Attack = [AttackKind.Standard], Norm = norm, Radii = radii, BoxLo = box?.Lo, BoxHi = box?.Hi };
        using var sub = net.Subset([.. attacked.Select(x => x.Index)]);
        var steps = EvaluationRunner.Run(config, sub, points, [.. attacked.Select(names)], "", log, cancel);
        // each attack runs on the points still robust after the ones before it: the last outcome is the ensemble's
        return Rows(sub, attacked, points, norm, AttackKind.Standard.Name, radii, steps[^1].Outcome.Robust, names);
    }

    /// <summary>The certified radius of every point of points[b] for `attacked` network b (docs/certify.md), and the robust
    /// accuracy it proves at every radius (a point counts at r when it is classified right and its radius is ≥ r): the
    /// per-point rows (certified.csv) and one row per network and radius, attack "certified".</summary>
    public static (List<CertifiedRow> Points, List<RobustAccuracyRow> Accuracy) Certify(NetworkBatch net, IReadOnlyList<NetworkInfo> attacked,
        IReadOnlyList<DataSet> points, CertifyOptions options, IReadOnlyList<double> radii, Func<NetworkInfo, string> names,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(attacked);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(names);
        using var sub = net.Subset([.. attacked.Select(x => x.Index)]);
        var certified = Certifier.Run(sub, points, options, null, cancel);
        string norm = AttackNorms.Name(options.Norm);
        var rows = new List<CertifiedRow>();
        var robust = new bool[attacked.Count][][];
        for (int b = 0; b < attacked.Count; b++)
        {
            var x = attacked[b];
            for (int i = 0; i < points[b].Samples; i++)
            {
                var (radius, method) = certified[b][i];
                rows.Add(new(names(x), x.P, x.Alpha, x.Seed, i, points[b].Y[i], norm, radius, method, null, null));
            }
            robust[b] = [.. radii.Select(r => certified[b].Select(q => Proves(q, r)).ToArray())];
        }
        return (rows, Rows(sub, attacked, points, options.Norm, AttackKind.Certified.Name, radii, robust, names));
    }

    /// <summary>Whether a row of robust_accuracy.csv is one of the band's on a trained network (the standard ensemble's,
    /// or certified), which the phases before them restore without.</summary>
    public static bool IsBandRow(RobustAccuracyRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return !row.Network.StartsWith('F') && (row.Attack == AttackKind.Standard.Name || row.Attack == AttackKind.Certified.Name);
    }

    /// <summary>Whether a certified point counts as robust at radius r: classified right and certified up to r.</summary>
    public static bool Proves(CertifiedPoint point, double r) => point.Method != "misclassified" && point.Radius >= r;

    /// <summary>robust_accuracy.csv's rows of an outcome robust[b][r][i] of `attacked` network b (position b in `sub`) on
    /// points[b]: one per network and radius, the share of robust points; a network whose parameters are not finite
    /// reports NaN.</summary>
    internal static List<RobustAccuracyRow> Rows(NetworkBatch sub, IReadOnlyList<NetworkInfo> attacked, IReadOnlyList<DataSet> points,
        AttackNorm norm, string attack, IReadOnlyList<double> radii, bool[][][] robust, Func<NetworkInfo, string> names)
    {
        var theta = sub.ThetaToHost();
        var rows = new List<RobustAccuracyRow>();
        for (int b = 0; b < attacked.Count; b++)
        {
            var x = attacked[b];
            bool finite = NetworkBatch.IsFinite(theta, sub.Shape, b);
            int n = points[b].Samples;
            for (int r = 0; r < radii.Count; r++)
                rows.Add(new(names(x), x.P, x.Alpha, x.Seed, AttackNorms.Name(norm), attack, radii[r], finite ? robust[b][r].Count(v => v) / (double)n : double.NaN, n));
        }
        return rows;
    }
}
