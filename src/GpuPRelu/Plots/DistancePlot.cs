using System.Globalization;
using GpuPRelu.Analysis;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(a): distance of the trained networks to the ideal classifiers against α, one curve per
/// (p, ideal) pair — the mean over repeats with the min–max band. By default each p only against its own ideal (F for
/// p = 1, F^(p) otherwise), as in the paper: the cross pairs sit an order of magnitude higher and flatten the two curves
/// the claim is about (they stay in distance.csv).</summary>
public static class DistancePlot
{
    /// <summary>Writes the panel to `path` (PNG, atomically) and returns the path.</summary>
    public static string Write(IEnumerable<DistanceRow> rows, string path, bool ownIdealOnly = true, int width = 800, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (ownIdealOnly)
            rows = rows.Where(r => r.Ideal == (r.P == 1 ? "F" : "Fp"));
        var plot = PlotFile.New("Distance to the ideal classifiers", "α (intra-subclass std)", "max over ‖x‖ = 1 of |c·f(x) − G(x)|");
        int i = 0;
        foreach (var g in rows.GroupBy(r => (r.P, r.Ideal, r.IdealP)).OrderBy(g => g.Key.P).ThenBy(g => g.Key.Ideal, StringComparer.Ordinal))
        {
            var (p, ideal, idealP) = g.Key;
            string target = ideal == "F" ? "F" : string.Create(CultureInfo.InvariantCulture, $"F^({idealP:0.##})");
            SeriesBand.Of(g.Select(r => (r.Alpha, r.Distance)))
                .AddTo(plot, PlotFile.Series(i++), string.Create(CultureInfo.InvariantCulture, $"dist(f_{p:0.##}, {target})"));
        }
        // distances are ≥ 0: show the axis from 0 so the two curves' ratio reads off the plot
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        plot.ShowLegend(Alignment.UpperLeft);
        return PlotFile.Save(plot, path, width, height);
    }
}
