using GpuPRelu.Analysis;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 2(b): the largest neuron contributions |v_j|·‖w_j‖ of one network per p, as shares of the network's
/// total, by rank; dominant neurons solid, the next ones faded.</summary>
public static class ContributionPlot
{
    /// <summary>Writes the panel for the given networks (one bar series each, typically one per p) to `path` and returns it.
    /// `top` bounds the ranks shown (default: the most dominant neurons of any shown network, plus 5).</summary>
    public static string Write(IEnumerable<NeuronRow> rows, IReadOnlyList<int> networks, string path, int? top = null,
        int width = 900, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(networks);
        var byNetwork = networks.Select(b => rows.Where(r => r.Network == b).OrderBy(r => r.Rank).ToList()).ToList();
        if (byNetwork.Any(n => n.Count == 0))
            throw new ArgumentException($"no neuron rows for network {networks[byNetwork.FindIndex(n => n.Count == 0)]}", nameof(networks));
        int shown = top ?? Math.Min(byNetwork.Max(n => n.Count), byNetwork.Max(n => n.Count(r => r.Dominant)) + 5);
        var plot = PlotFile.New("Neuron contributions", "neuron rank", "share of total |v_j|·‖w_j‖");
        double width1 = 0.8 / networks.Count;
        for (int s = 0; s < byNetwork.Count; s++)
        {
            var color = PlotFile.Series(s);
            var first = byNetwork[s][0];
            var bars = byNetwork[s].Take(shown).Select(r => new Bar
            {
                Position = r.Rank + (s - (networks.Count - 1) / 2.0) * width1,
                Value = r.Share,
                Size = width1,
                FillColor = r.Dominant ? color : color.WithAlpha(0.3),
                LineWidth = 0,
            }).ToList();
            var series = plot.Add.Bars(bars);
            series.LegendText = $"{PlotFile.PLabel(first.P)}, α {first.Alpha:0.###}, seed {first.Seed} ({byNetwork[s].Count(r => r.Dominant)} dominant)";
            series.Color = color;
        }
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(0.4, shown + 0.6);
        plot.ShowLegend(Alignment.UpperRight);
        return PlotFile.Save(plot, path, width, height);
    }
}
