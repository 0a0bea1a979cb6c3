using System.Globalization;
using GpuPRelu.Analysis;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 1 in the data's own coordinates: for each chosen network (one row of panels), the norms ‖w_j‖
/// against flow time (log–log) and each neuron's cosine with μ̄± when it ends nearest to one, else its largest cosine with a
/// subclass center. Neurons that
/// end dominant (contribution ≥ 0.1 × the largest at the last snapshot) are colored by that center; the rest are gray.
/// The alignment phase shows as cosines rising while norms stay flat, the growth phase as norms rising.</summary>
public static class DynamicsPlot
{
    /// <summary>Writes the figure for `networks` (all in the rows when null) to `path` and returns it.</summary>
    public static string Write(IEnumerable<DynamicsRow> rows, string path, IReadOnlyList<int>? networks = null,
        int maxGray = 30, int width = 1200, int height = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var all = rows.Where(r => r.FlowTime > 0).ToList();
        var chosen = networks ?? [.. all.Select(r => r.Network).Distinct().Order()];
        if (chosen.Count == 0 || chosen.Any(b => !all.Any(r => r.Network == b)))
            throw new ArgumentException("no dynamics rows (after flow time 0) for some requested network", nameof(networks));
        var plots = new List<Plot>();
        foreach (int b in chosen)
            plots.AddRange(Panels([.. all.Where(r => r.Network == b)], maxGray));
        return PlotFile.Save(plots, chosen.Count, 2, path, width, height > 0 ? height : 420 * chosen.Count);
    }

    private static Plot[] Panels(List<DynamicsRow> rows, int maxGray)
    {
        var first = rows[0];
        string who = string.Create(CultureInfo.InvariantCulture, $"{PlotFile.PLabel(first.P)}, α {first.Alpha:0.###}, seed {first.Seed}");
        var norms = PlotFile.New($"Neuron norms, {who}", "flow time t", "‖w_j‖");
        var cosines = PlotFile.New($"Alignment, {who}", "flow time t", "cos(w_j, μ̄±)  or  max_k cos(w_j, μ_k)");
        long lastStep = rows.Max(r => r.Step);
        var last = rows.Where(r => r.Step == lastStep).ToDictionary(r => r.Neuron);
        double threshold = 0.1 * last.Values.Max(r => r.Contribution);
        bool Dominant(int j) => last[j].Contribution >= threshold;
        // gray neurons first (drawn below), then the dominant ones grouped by center so the legend reads in center order
        var order = rows.GroupBy(r => r.Neuron)
            .OrderBy(g => Dominant(g.Key))
            .ThenBy(g => Dominant(g.Key) ? CenterDirections.IndexOf(last[g.Key].Nearest) : 0)
            .ThenBy(g => last[g.Key].Contribution)
            .ToList();
        int gray = 0;
        var legend = new HashSet<string>();
        foreach (var neuron in order)
        {
            var end = last[neuron.Key];
            bool dominant = Dominant(neuron.Key);
            if (!dominant && gray++ >= maxGray)
                continue;
            var path = neuron.OrderBy(r => r.Step).ToList();
            double[] t = [.. path.Select(r => Math.Log10(r.FlowTime))];
            var color = dominant ? PlotFile.Center(end.Nearest) : Colors.Gray.WithAlpha(0.35);
            var n = norms.Add.ScatterLine(t, [.. path.Select(r => Math.Log10(Math.Max(r.Norm, 1e-30)))], color);
            var c = cosines.Add.ScatterLine(t, [.. path.Select(r => CosWith(r, end.Nearest))], color);
            n.LineWidth = c.LineWidth = dominant ? 1.8f : 1;
            if (dominant && legend.Add(end.Nearest))
                c.LegendText = PlotFile.CenterLabel(end.Nearest);
        }
        foreach (var p in new[] { norms, cosines })
            p.Axes.Bottom.TickGenerator = Log10Ticks();
        norms.Axes.Left.TickGenerator = Log10Ticks();
        cosines.Axes.SetLimitsY(-0.3, 1.05);
        cosines.ShowLegend(Alignment.LowerRight);
        return [norms, cosines];
    }

    // a neuron ending at μ̄± is followed by its cosine with that average, one ending at a μ_k by its best subclass cosine
    private static double CosWith(DynamicsRow r, string nearest) => nearest switch
    {
        "mu_bar_pos" => r.CosMuBarPos,
        "mu_bar_neg" => r.CosMuBarNeg,
        _ => r.MaxSubclassCos,
    };

    // axes hold log10 of the value: integer ticks labelled 10^k, minor ticks at 2..9 × 10^k
    private static ScottPlot.TickGenerators.NumericAutomatic Log10Ticks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = y => string.Create(CultureInfo.InvariantCulture, $"1e{y:0}"),
    };
}
