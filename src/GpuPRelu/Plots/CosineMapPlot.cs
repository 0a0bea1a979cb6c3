using GpuPRelu.Analysis;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(c)(d): the cosines of one network's dominant neurons (rows, by rank) with [μ̄₊, μ̄₋, μ_1..μ_K]
/// (columns) as a colormap on [−1, 1].</summary>
public static class CosineMapPlot
{
    /// <summary>Writes the colormap of `network` to `path` (PNG, atomically) and returns the path.</summary>
    public static string Write(IEnumerable<CosineRow> rows, int network, string path, int width = 760, int height = 620)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var mine = rows.Where(r => r.Network == network).ToList();
        if (mine.Count == 0)
            throw new ArgumentException($"no cosine rows for network {network}", nameof(rows));
        int neurons = mine.Max(r => r.Rank), centers = mine.Max(r => r.CenterIndex) + 1;
        var cos = new double[neurons, centers];
        var names = new string[centers];
        foreach (var r in mine)
        {
            cos[r.Rank - 1, r.CenterIndex] = r.Cos;
            names[r.CenterIndex] = PlotFile.CenterLabel(r.Center);
        }
        var first = mine[0];
        var plot = PlotFile.New($"Dominant neurons of {PlotFile.PLabel(first.P)} (α {first.Alpha:0.###}, seed {first.Seed})",
            "center direction", "neuron (by contribution rank)");
        var map = plot.Add.Heatmap(cos);
        map.Colormap = new ScottPlot.Colormaps.Balance();
        map.ManualRange = new ScottPlot.Range(-1, 1);
        // cell (row i, column k) spans [k, k + 1] × [neurons − i − 1, neurons − i]: rank 1 on top
        map.Extent = new CoordinateRect(0, centers, 0, neurons);
        plot.Add.ColorBar(map).Label = "cos";
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, centers).Select(k => k + 0.5)], names);
        int step = Math.Max(1, neurons / 15);
        var ranks = Enumerable.Range(0, neurons).Where(i => i % step == 0).ToList();
        plot.Axes.Left.SetTicks([.. ranks.Select(i => neurons - i - 0.5)], [.. ranks.Select(i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimits(0, centers, 0, neurons);
        plot.HideGrid();
        return PlotFile.Save(plot, path, width, height);
    }
}
