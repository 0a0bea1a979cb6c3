using GpuPRelu.Attacks;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(e) / 5(e): robust accuracy against the attack radius, one curve per p over the trained networks
/// (mean with the min–max band), with certified rows the band from the proven robust accuracy up to the strongest attack's,
/// the ideal classifiers F and F^(p) (rows named so) dashed, and vertical
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
        var trained = all.Where(r => !IsIdeal(r)).ToList();
        foreach (var g in trained.Where(r => !IsBound(r)).GroupBy(r => r.P).OrderBy(g => g.Key))
        {
            var color = PlotFile.Series(i++);
            // beside a band, the curve names its attack (the paper's, drawn as before)
            var attack = trained.Any(IsBound) ? $" ({string.Join(", ", g.Select(r => r.Attack).Distinct())})" : "";
            SeriesBand.Of(g.Select(r => (r.Radius, r.RobustAcc))).AddTo(plot, color, $"trained, {PlotFile.PLabel(g.Key)}{attack}");
            AddProvenBand(plot, trained.Where(r => r.P == g.Key).ToList(), color, PlotFile.PLabel(g.Key));
        }
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

    /// <summary>With certified rows for these networks: the band from the mean certified robust accuracy (proven) to the
    /// mean over networks of the lowest robust accuracy any attack reached (the strongest attack run), edges dotted.</summary>
    private static void AddProvenBand(Plot plot, List<RobustAccuracyRow> rows, Color color, string p)
    {
        var proven = Mean(rows.Where(r => r.Attack == AttackKind.Certified.Name));
        if (proven.Count == 0)
            return;
        var attacked = rows.Where(r => r.Attack != AttackKind.Certified.Name).GroupBy(r => (r.Network, r.Radius))
            .Select(g => g.MinBy(r => r.RobustAcc)!);
        var best = Mean(attacked);
        var x = proven.Keys.Where(best.ContainsKey).Order().ToArray();
        if (x.Length == 0)
            return;
        double[] lower = [.. x.Select(r => proven[r])], upper = [.. x.Select(r => best[r])];
        if (x.Length > 1)
        {
            var band = plot.Add.FillY(x, lower, upper);
            band.FillColor = color.WithAlpha(0.18);
            band.LineWidth = 0;
        }
        var edge = plot.Add.Scatter(x, lower, color);
        edge.LegendText = $"certified, {p} (proven)";
        edge.LinePattern = LinePattern.Dotted;
        edge.LineWidth = 2;
        edge.MarkerSize = 4;
        if (rows.Any(r => r.Attack == AttackKind.Standard.Name))
        {
            var top = plot.Add.Scatter(x, upper, color);
            top.LegendText = $"best attack, {p}";
            top.LinePattern = LinePattern.DenselyDashed;
            top.LineWidth = 1.5f;
            top.MarkerSize = 0;
        }
    }

    // radius → mean robust accuracy over the networks (non-finite rows left out)
    private static Dictionary<double, double> Mean(IEnumerable<RobustAccuracyRow> rows) =>
        rows.Where(r => double.IsFinite(r.RobustAcc)).GroupBy(r => r.Radius).ToDictionary(g => g.Key, g => g.Average(r => r.RobustAcc));

    // the band's rows: the certified lower side and the standard ensemble's upper side, beside the study's own attack
    private static bool IsBound(RobustAccuracyRow r) => r.Attack == AttackKind.Certified.Name || r.Attack == AttackKind.Standard.Name;

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
