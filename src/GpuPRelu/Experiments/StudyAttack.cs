using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>The study's attack phase as callable pieces (the fig2/fig5 verbs and the sweep's batches share them): the
/// paper's l2 PGD on chosen networks of a batch, and the exact (or certified) curves of F and F^(p) on the same points;
/// on request the per-point radii: FAB-T's upper bounds for the networks beside the exact radii of F and F^(p).</summary>
public static class StudyAttack
{
    /// <summary>The paper's l2 PGD (zero start, mean exponential loss over the attacked points, 1e-7 guard) on the networks
    /// `attacked` of `net`, each on the first `PgdPoints` rows of its test set, at every radius, plus `PgdRestarts`
    /// random-start rounds whose breaks are added. Row b is named names(b); diverged networks report NaN. `cancel` is
    /// polled at every step.</summary>
    public static List<RobustAccuracyRow> Networks(StudyConfig config, NetworkBatch net, IReadOnlyList<NetworkInfo> attacked,
        IReadOnlyList<DataSet> test, Func<NetworkInfo, string> names, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(attacked);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(names);
        int n = config.PgdPoints;
        var points = Points(config, attacked, test);
        using var sub = net.Subset([.. attacked.Select(x => x.Index)]);
        var options = PgdOptions.Paper(n) with { Steps = config.PgdSteps, StepSize = config.PgdStepSize, Cancel = cancel };
        var robust = Pgd.Run(sub, points, config.Radii, options);
        for (int k = 1; k <= config.PgdRestarts; k++)
        {
            var again = Pgd.Run(sub, points, config.Radii, options with { RandomStart = true, Seed = k });
            for (int b = 0; b < robust.Length; b++)
                for (int r = 0; r < robust[b].Length; r++)
                    for (int i = 0; i < n; i++)
                        robust[b][r][i] &= again[b][r][i];
        }
        return StudyBounds.Rows(sub, attacked, points, AttackNorm.L2, AttackKind.Pgd.Name, config.Radii, robust, names);
    }

    /// <summary>The exact curves of F and of F^(p) for each p > 1 of `ps` (certified for p &lt; 2) on the attacked points
    /// of each data set among `attacked` (once per data set); mu[Index] are a network's centers.</summary>
    public static List<RobustAccuracyRow> Ideals(StudyConfig config, IReadOnlyList<NetworkInfo> attacked, IReadOnlyList<DataSet> test,
        IReadOnlyList<double[]> mu, IReadOnlyList<double> ps)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(attacked);
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(ps);
        var c = config.Train;
        int n = config.PgdPoints;
        var rows = new List<RobustAccuracyRow>();
        foreach (var x in attacked.GroupBy(x => x.DataSet).Select(g => g.First()))
        {
            var ideals = new List<(IdealKind Kind, double P, string Name)> { (IdealKind.F, 1, "F") };
            ideals.AddRange(ps.Where(p => p > 1).Select(p => (IdealKind.Fp, p, string.Create(CultureInfo.InvariantCulture, $"F^({p:0.##})"))));
            var data = test[x.DataSet].Head(n);
            foreach (var (kind, p, name) in ideals)
            {
                var (lower, _, exact) = RobustRadius.OfPoints(kind, p, data, mu[x.Index], c.Subclasses, c.PositiveSubclasses);
                var accuracy = RobustRadius.Accuracy(config.Radii, lower);
                for (int r = 0; r < config.Radii.Count; r++)
                    rows.Add(new(name, p, x.Alpha, x.Seed, "l2", (exact ? AttackKind.Exact : AttackKind.Certified).Name, config.Radii[r], accuracy[r], n));
            }
        }
        return rows;
    }

    /// <summary>Per attacked point, the l2 radius of each attacked network as FAB-T bounds it from above (AutoAttack's
    /// settings, every other class a target) and, on the same points, the exact radius of F and of F^(p) for each p &gt; 1
    /// of `ps` (the certified lower end for p &lt; 2), once per data set. `cancel` is polled at every FAB-T step.</summary>
    public static List<PointRadiusRow> Radii(StudyConfig config, NetworkBatch net, IReadOnlyList<NetworkInfo> attacked,
        IReadOnlyList<DataSet> test, IReadOnlyList<double[]> mu, IReadOnlyList<double> ps, Func<NetworkInfo, string> names,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(attacked);
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(ps);
        ArgumentNullException.ThrowIfNull(names);
        var c = config.Train;
        var points = Points(config, attacked, test);
        using var sub = net.Subset([.. attacked.Select(x => x.Index)]);
        var norms = Fab.RunOn(sub, points, config.Radii, new FabOptions(AttackNorm.L2) { Cancel = cancel }, null, false).Norms!;
        var rows = new List<PointRadiusRow>();
        for (int b = 0; b < attacked.Count; b++)
        {
            var x = attacked[b];
            for (int i = 0; i < points[b].Samples; i++)
            {
                double v = norms[b][i];
                rows.Add(new(names(x), x.P, x.Alpha, x.Seed, i, points[b].Y[i], double.IsFinite(v) ? v : null,
                    v == 0 ? "clean" : double.IsFinite(v) ? "fab-t upper bound" : "none found"));
            }
        }
        foreach (var x in attacked.GroupBy(x => x.DataSet).Select(g => g.First()))
        {
            var data = test[x.DataSet].Head(config.PgdPoints);
            var ideals = new List<(IdealKind Kind, double P, string Name)> { (IdealKind.F, 1, "F") };
            ideals.AddRange(ps.Where(p => p > 1).Select(p => (IdealKind.Fp, p, string.Create(CultureInfo.InvariantCulture, $"F^({p:0.##})"))));
            foreach (var (kind, p, name) in ideals)
            {
                var (lower, _, exact) = RobustRadius.OfPoints(kind, p, data, mu[x.Index], c.Subclasses, c.PositiveSubclasses);
                for (int i = 0; i < data.Samples; i++)
                    rows.Add(new(name, p, x.Alpha, x.Seed, i, data.Y[i], lower[i], exact ? "exact" : "certified lower"));
            }
        }
        return rows;
    }

    private static List<DataSet> Points(StudyConfig config, IReadOnlyList<NetworkInfo> attacked, IReadOnlyList<DataSet> test) =>
        [.. attacked.Select(x => test[x.DataSet].Head(config.PgdPoints))];
}
