using System.Globalization;
using GpuPRelu.Analysis;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(a): distance of the trained networks to the ideal classifiers against α, one curve per
/// (p, ideal) pair — the mean over repeats with the min–max band.</summary>
public static class DistancePlot
{
    /// <summary>Writes the panel to `path` (PNG, atomically) and returns the path.</summary>
    public static string Write(IEnumerable<DistanceRow> rows, string path, int width = 800, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plot = PlotFile.New("Distance to the ideal classifiers", "α (intra-subclass std)", "max over ‖x‖ = 1 of |c·f(x) − G(x)|");
        int i = 0;
        foreach (var g in rows.GroupBy(r => (r.P, r.Ideal, r.IdealP)).OrderBy(g => g.Key.P).ThenBy(g => g.Key.Ideal, StringComparer.Ordinal))
        {
            var (p, ideal, idealP) = g.Key;
            string target = ideal == "F" ? "F" : string.Create(CultureInfo.InvariantCulture, $"F^({idealP:0.##})");
            SeriesBand.Of(g.Select(r => (r.Alpha, r.Distance)))
                .AddTo(plot, PlotFile.Series(i++), $"dist(f, {target}), {PlotFile.PLabel(p)}");
        }
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        return PlotFile.Save(plot, path, width, height);
    }
}
