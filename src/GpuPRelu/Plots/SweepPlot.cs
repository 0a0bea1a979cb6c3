using System.Globalization;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>A sweep's panels across its swept axes: the robust radius (the smallest l2 radius where a network's
/// PGD robust accuracy drops below 0.5) and the distance to F and F^(p), against width and against D, a line per p (mean
/// over seeds with the min–max band), one panel per value of the other axis, with the theory's radii 1/√K and √2/2.</summary>
public static class SweepPlot
{
    /// <summary>The axes the panels are drawn against, with their labels.</summary>
    public static IReadOnlyList<(string Key, string Label)> Axes { get; } = [("width", "width h"), ("input_dim", "input dimension D")];

    /// <summary>Writes robust_radius_vs_KEY.png and distance_vs_KEY.png into `dir` for each axis of Axes that takes more
    /// than one value in `rows` (summary.csv rows, column → text); returns the files written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<Dictionary<string, string>> rows, string dir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var files = new List<string>();
        foreach (var (key, label) in Axes)
        {
            if (rows.Select(r => r[key]).Distinct().Count() < 2)
                continue;
            var (other, otherLabel) = Axes.First(a => a.Key != key);
            var panels = rows.GroupBy(r => Num(r[other])).OrderBy(g => g.Key).ToList();
            if (rows.Any(r => r["robust_radius"].Length > 0))
                files.Add(Grid(panels, dir, $"robust_radius_vs_{key}.png", (g, v) => Radius(g, label, $"{otherLabel} = {v:0.###}")));
            if (rows.Any(r => r["dist_f"].Length > 0))
                files.Add(Grid(panels, dir, $"distance_vs_{key}.png", (g, v) => Distance(g, key, label, $"{otherLabel} = {v:0.###}")));
        }
        return files;

        string Grid(List<IGrouping<double, Dictionary<string, string>>> panels, string folder, string name,
            Func<IEnumerable<Dictionary<string, string>>, double, Plot> draw)
        {
            var plots = panels.Select(g => draw(g, g.Key)).ToList();
            int columns = Math.Min(3, plots.Count), gridRows = (plots.Count + columns - 1) / columns;
            return PlotFile.Save(plots, gridRows, columns, Path.Combine(folder, name), 560 * columns, 440 * gridRows);
        }
    }

    private static Plot Radius(IEnumerable<Dictionary<string, string>> rows, string xLabel, string title)
    {
        var all = rows.ToList();
        // a network still robust at the largest radius has radius ∞: drawn at the largest finite radius of the sweep
        double cap = all.Select(r => Num(r["radii"].Split(' ').Last())).Max();
        var plot = PlotFile.New($"Robust radius, {title}", xLabel, "radius where robust acc < 0.5");
        var key = Axes.First(a => a.Label == xLabel).Key;
        int i = 0;
        foreach (var g in all.GroupBy(r => Num(r["p"])).OrderBy(g => g.Key))
            SeriesBand.Of(g.Select(r => (Num(r[key]), Math.Min(cap, Num(r["robust_radius"]))))).AddTo(plot, PlotFile.Series(i++), PlotFile.PLabel(g.Key));
        double left = all.Min(r => Num(r[key]));
        foreach (var k in all.Select(r => Num(r["subclasses"])).Distinct())
            Line(plot, left, 1 / Math.Sqrt(k), string.Create(CultureInfo.InvariantCulture, $"1/√K (K {k})"));
        Line(plot, left, Math.Sqrt(2) / 2, "√2/2");
        plot.Axes.SetLimitsY(0, cap * 1.08);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static Plot Distance(IEnumerable<Dictionary<string, string>> rows, string key, string xLabel, string title)
    {
        var all = rows.ToList();
        var plot = PlotFile.New($"Distance to F and F^(p), {title}", xLabel, "max over ‖x‖ = 1 of |c·f(x) − G(x)|");
        int i = 0;
        foreach (var g in all.GroupBy(r => Num(r["p"])).OrderBy(g => g.Key))
        {
            var color = PlotFile.Series(i++);
            string p = g.Key.ToString("0.##", CultureInfo.InvariantCulture);
            SeriesBand.Of(g.Select(r => (Num(r[key]), Num(r["dist_f"])))).AddTo(plot, color, $"dist(f_{p}, F)", g.Key == 1 ? null : LinePattern.Dashed);
            if (g.Key != 1)
                SeriesBand.Of(g.Select(r => (Num(r[key]), Num(r["dist_fp"])))).AddTo(plot, color, $"dist(f_{p}, F^({p}))");
        }
        // room above the curves for the legend
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, 1.6 * plot.Axes.GetLimits().Top);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    // a theory radius: a dashed line labelled just above it at the left edge
    private static void Line(Plot plot, double left, double y, string label)
    {
        plot.Add.HorizontalLine(y, 1.5f, Colors.Gray, LinePattern.Dashed);
        var text = plot.Add.Text(label, left, y);
        text.LabelFontSize = 13;
        text.LabelFontColor = Colors.DimGray;
        text.LabelAlignment = Alignment.LowerLeft;
    }

    private static double Num(string text) => text.Length == 0 ? double.NaN
        : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
