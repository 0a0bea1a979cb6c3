using GpuPRelu.Attacks;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(e) / 5(e): robust accuracy against the attack radius, one curve per p over the trained networks
/// (mean with the min–max band), the ideal classifiers F and F^(p) (rows named so) dashed, and vertical
/// lines at the theory's radii 1/√K (F) and √2/2 (F^(p) as p grows).</summary>
public static class RobustAccuracyPlot
{
    /// <summary>Writes the panel for data with K subclasses to `path` (PNG, atomically) and returns the path.</summary>
    public static string Write(IEnumerable<RobustAccuracyRow> rows, int subclasses, string path, int width = 800, int height = 560)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subclasses, 2);
        return Write(rows, path, [(1 / Math.Sqrt(subclasses), "1/√K"), (Math.Sqrt(2) / 2, "√2/2")], "Robust accuracy", width, height);
    }

    /// <summary>The same panel with the given labelled vertical lines (none for real data) and title.</summary>
    public static string Write(IEnumerable<RobustAccuracyRow> rows, string path, IReadOnlyList<(double X, string Label)> lines,
        string title = "Robust accuracy", int width = 800, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(lines);
        var all = rows.ToList();
        var norm = all.Select(r => r.Norm).FirstOrDefault() ?? "l2";
        var plot = PlotFile.New(title, $"attack radius ({norm})", "robust accuracy");
        int i = 0;
        foreach (var g in all.Where(r => !IsIdeal(r)).GroupBy(r => r.P).OrderBy(g => g.Key))
            SeriesBand.Of(g.Select(r => (r.Radius, r.RobustAcc))).AddTo(plot, PlotFile.Series(i++), $"trained, {PlotFile.PLabel(g.Key)}");
        foreach (var g in all.Where(IsIdeal).GroupBy(r => (r.Network, r.Attack)).OrderBy(g => g.Key.Network, StringComparer.Ordinal))
        {
            SeriesBand.Of(g.Select(r => (r.Radius, r.RobustAcc)))
                .AddTo(plot, PlotFile.Series(i++), $"{g.Key.Network} ({g.Key.Attack})", LinePattern.Dashed);
        }
        foreach (var (x, label) in lines)
            AddRadiusLine(plot, x, label);
        plot.Axes.SetLimitsY(-0.02, 1.1);
        plot.ShowLegend(Alignment.LowerLeft);
        return PlotFile.Save(plot, path, width, height);
    }

    // the attack verb names the ideal classifiers "F" and "F^(p)", trained networks by their index
    private static bool IsIdeal(RobustAccuracyRow r) => r.Network.StartsWith('F');

    private static void AddRadiusLine(Plot plot, double x, string label)
    {
        plot.Add.VerticalLine(x, 1.5f, Colors.Gray, LinePattern.Dashed);
        var text = plot.Add.Text(label, x, 1.03);
        text.LabelFontSize = 13;
        text.LabelFontColor = Colors.DimGray;
        text.LabelAlignment = Alignment.LowerCenter;
    }
}
