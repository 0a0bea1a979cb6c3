using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Data;
using ScottPlot;

namespace GpuPRelu.Plots;

/// <summary>Paper Fig. 3 (a)–(c): the correlation of the data's subclass means, accuracy curves and stable ranks over
/// the epochs, each p a curve with the min–max band over its repeats.</summary>
public static class RealDataPlots
{
    /// <summary>(a) cos(m_j, m_k) of the subclass means after subtracting the overall mean (MNIST: the ten digits, named
    /// `subclass` on the axes), as a colormap on [−1, 1]: near-orthogonal subclasses are the setting of the paper's theory.</summary>
    public static string Correlation(DataSet data, string source, string subclass, string path, int width = 700, int height = 620)
    {
        ArgumentNullException.ThrowIfNull(data);
        int K = data.Classes, D = data.Inputs;
        var overall = data.MeanRow();
        var means = new double[K, D];
        var counts = new int[K];
        for (int n = 0; n < data.Samples; n++)
        {
            int k = data.Y[n];
            counts[k]++;
            for (int d = 0; d < D; d++)
                means[k, d] += data.X[n * D + d] - overall[d];
        }
        var cos = new double[K, K];
        for (int j = 0; j < K; j++)
        {
            for (int k = 0; k < K; k++)
            {
                double dot = 0, nj = 0, nk = 0;
                for (int d = 0; d < D; d++)
                {
                    dot += means[j, d] * means[k, d];
                    nj += means[j, d] * means[j, d];
                    nk += means[k, d] * means[k, d];
                }
                // array row j is drawn j-th from the top
                cos[j, k] = counts[j] > 0 && counts[k] > 0 ? dot / Math.Sqrt(nj * nk) : double.NaN;
            }
        }
        var plot = PlotFile.New($"Correlation of the centered {subclass} means, {source}", subclass, subclass);
        var map = plot.Add.Heatmap(cos);
        map.Colormap = new ScottPlot.Colormaps.Balance();
        map.ManualRange = new ScottPlot.Range(-1, 1);
        map.Extent = new CoordinateRect(0, K, 0, K);
        plot.Add.ColorBar(map).Label = "cos";
        var labels = Enumerable.Range(0, K).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, K).Select(k => k + 0.5)], labels);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, K).Select(k => K - k - 0.5)], labels);
        plot.Axes.SetLimits(0, K, 0, K);
        plot.HideGrid();
        return PlotFile.Save(plot, path, width, height);
    }

    /// <summary>(b) train (dashed) and test accuracy against the epoch, per p.</summary>
    public static string Accuracy(IReadOnlyList<RealTrainingRow> rows, string path, int width = 800, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plot = PlotFile.New("Accuracy during training", "epoch", "accuracy");
        int i = 0;
        foreach (var g in rows.GroupBy(r => r.P).OrderBy(g => g.Key))
        {
            var color = PlotFile.Series(i++);
            SeriesBand.Of(g.Select(r => ((double)r.Epoch, r.TestAcc))).AddTo(plot, color, $"test, {PlotFile.PLabel(g.Key)}");
            SeriesBand.Of(g.Select(r => ((double)r.Epoch, r.TrainAcc))).AddTo(plot, color, $"train, {PlotFile.PLabel(g.Key)}", LinePattern.Dashed);
        }
        plot.ShowLegend(Alignment.LowerRight);
        return PlotFile.Save(plot, path, width, height);
    }

    /// <summary>(c) stable rank ‖·‖_F²/‖·‖₂² of the hidden features H and of W against the epoch, per p, side by side.</summary>
    public static string StableRanks(IReadOnlyList<RealTrainingRow> rows, string path, int width = 1400, int height = 560)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var h = PlotFile.New("Stable rank of the hidden features H", "epoch", "‖H‖F² / ‖H‖₂²");
        var w = PlotFile.New("Stable rank of W", "epoch", "‖W‖F² / ‖W‖₂²");
        int i = 0;
        foreach (var g in rows.GroupBy(r => r.P).OrderBy(g => g.Key))
        {
            var color = PlotFile.Series(i++);
            SeriesBand.Of(g.Select(r => ((double)r.Epoch, r.StableRankH))).AddTo(h, color, PlotFile.PLabel(g.Key));
            SeriesBand.Of(g.Select(r => ((double)r.Epoch, r.StableRankW))).AddTo(w, color, PlotFile.PLabel(g.Key));
        }
        h.ShowLegend(Alignment.UpperRight);
        w.ShowLegend(Alignment.UpperRight);
        return PlotFile.Save([h, w], 1, 2, path, width, height);
    }
}
