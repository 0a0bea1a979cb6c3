using GpuPRelu.Attacks;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>The study's per-point radii (min_radius.csv) as survival curves: the share of attacked points whose l2 radius
/// exceeds r, one curve per p over the trained networks (FAB-T's upper bounds; mean with the min–max band) and the exact
/// radii of F and F^(p) on the same points dashed, with the theory's radii 1/√K and √2/2 marked.</summary>
public static class RadiusDistributionPlot
{
    private const int Steps = 60;

    /// <summary>Writes the panel for data with K subclasses to `path` (PNG, atomically) and returns the path.</summary>
    public static string Write(IEnumerable<PointRadiusRow> rows, int subclasses, string path, int width = 800, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(subclasses, 2);
        var all = rows.ToList();
        double top = 1.05 * all.Select(r => r.Radius ?? 0).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var grid = Enumerable.Range(0, Steps + 1).Select(k => top * k / Steps).ToArray();
        var plot = PlotFile.New("Minimal l2 radius per point", "radius r (l2)", "share of points with radius > r");
        int i = 0;
        foreach (var g in all.Where(r => !IsIdeal(r)).GroupBy(r => r.P).OrderBy(g => g.Key))
            SeriesBand.Of(Survival(g, r => r.Network)).AddTo(plot, PlotFile.Series(i++), $"trained, {PlotFile.PLabel(g.Key)} (FAB-T bound)");
        foreach (var g in all.Where(IsIdeal).GroupBy(r => r.Network).OrderBy(g => g.Key, StringComparer.Ordinal))
            SeriesBand.Of(Survival(g, r => r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture))).AddTo(plot, PlotFile.Series(i++), $"{g.Key} ({g.First().Bound})", LinePattern.Dashed);
        foreach (var (x, label) in new[] { (1 / Math.Sqrt(subclasses), "1/√K"), (Math.Sqrt(2) / 2, "√2/2") })
        {
            plot.Add.VerticalLine(x, 1.5f, Colors.Gray, LinePattern.Dashed);
            var text = plot.Add.Text(label, x, 1.03);
            text.LabelFontSize = 13;
            text.LabelFontColor = Colors.DimGray;
            text.LabelAlignment = Alignment.LowerCenter;
        }
        plot.Axes.SetLimitsY(-0.02, 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return PlotFile.Save(plot, path, width, height);

        // per curve member (a network, or a data set's ideal), the share of its points above each r (none found: above all)
        IEnumerable<(double X, double Y)> Survival(IEnumerable<PointRadiusRow> group, Func<PointRadiusRow, string> member) =>
            group.GroupBy(member).SelectMany(m => grid.Select(r => (r, m.Count(x => x.Radius is not { } v || v > r) / (double)m.Count())));
    }

    // trained networks are named by their index, the ideal classifiers "F" and "F^(p)"
    private static bool IsIdeal(PointRadiusRow r) => r.Network.StartsWith('F');
}
