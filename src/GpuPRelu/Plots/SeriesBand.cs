namespace GpuPRelu.Plots;

/// <summary>One curve of a swept quantity: at each x, the mean, min and max over the repeats (networks) sharing it.</summary>
internal sealed record SeriesBand(double[] X, double[] Mean, double[] Min, double[] Max)
{
    /// <summary>Groups (x, y) points by x (ascending) and summarizes each group; non-finite y are left out.</summary>
    public static SeriesBand Of(IEnumerable<(double X, double Y)> points)
    {
        var groups = points.Where(p => double.IsFinite(p.Y)).GroupBy(p => p.X).OrderBy(g => g.Key).ToList();
        return new SeriesBand([.. groups.Select(g => g.Key)], [.. groups.Select(g => g.Average(p => p.Y))],
            [.. groups.Select(g => g.Min(p => p.Y))], [.. groups.Select(g => g.Max(p => p.Y))]);
    }

    /// <summary>Adds the band (translucent fill between min and max) and the mean line with markers to `plot`.</summary>
    public void AddTo(ScottPlot.Plot plot, ScottPlot.Color color, string legend, ScottPlot.LinePattern? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(plot);
        if (X.Length == 0)
            return;
        if (X.Length > 1)
        {
            var band = plot.Add.FillY(X, Min, Max);
            band.FillColor = color.WithAlpha(0.25);
            band.LineWidth = 0;
        }
        var line = plot.Add.Scatter(X, Mean, color);
        line.LegendText = legend;
        line.LineWidth = 2;
        line.MarkerSize = 6;
        if (pattern is { } pt)
            line.LinePattern = pt;
    }
}
