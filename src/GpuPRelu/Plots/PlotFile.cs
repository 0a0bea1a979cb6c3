using GpuPRelu.IO;
using ScottPlot;
using SkiaSharp;

namespace GpuPRelu.Plots;

/// <summary>Shared look and the atomic PNG writers of the plots: every figure goes through AtomicFile, so a run that
/// fails midway never leaves a half-written image.</summary>
internal static class PlotFile
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    // ScottPlot's "sans" falls back to DejaVu Serif on Debian although DejaVu Sans is installed: ask for it by name
    private static readonly string Font = SKFontManager.Default.MatchFamily("DejaVu Sans") is { } face && face.FamilyName == "DejaVu Sans"
        ? "DejaVu Sans" : Fonts.Sans;

    /// <summary>A plot with the project's look: sans font, title and axis labels.</summary>
    public static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        plot.Title(title, size: 16);
        plot.XLabel(xLabel, size: 14);
        plot.YLabel(yLabel, size: 14);
        return plot;
    }

    /// <summary>Color i of the categorical palette (series by p).</summary>
    public static Color Series(int i) => Palette.GetColor(i);

    /// <summary>The fixed color of a center direction by its CSV name, the same in every figure (μ̄₊ dark blue, μ̄₋
    /// dark red, μ_k from the palette).</summary>
    public static Color Center(string name) => Analysis.CenterDirections.IndexOf(name) switch
    {
        0 => Colors.Navy,
        1 => Colors.DarkRed,
        int i => Palette.GetColor(i - 2),
    };

    /// <summary>Renders `plot` to a PNG of width × height pixels at `path`, atomically; returns the path.</summary>
    public static string Save(Plot plot, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
        return path;
    }

    /// <summary>Renders the plots side by side in a rows × columns grid (row-major) to one PNG, atomically.</summary>
    public static string Save(IReadOnlyList<Plot> plots, int rows, int columns, string path, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plots);
        var grid = new Multiplot();
        grid.Subplots.RemoveAt(0); // a new Multiplot starts with one empty plot
        foreach (var p in plots)
            grid.Subplots.Add(p);
        grid.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        grid.Render(surface.Canvas, new PixelRect(new PixelSize(width, height)));
        using var image = new ScottPlot.Image(surface);
        var bytes = image.GetImageBytes(ImageFormat.Png, 100);
        AtomicFile.Write(path, s => s.Write(bytes));
        return path;
    }

    /// <summary>Label of a degree p in legends: "p = 1", "p = 2.5".</summary>
    public static string PLabel(double p) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p = {p:0.##}");

    /// <summary>Unicode label of a center direction's CSV name (mu_bar_pos → μ̄₊, mu_3 → μ3).</summary>
    public static string CenterLabel(string name) => Analysis.CenterDirections.IndexOf(name) switch
    {
        0 => "μ̄₊",
        1 => "μ̄₋",
        int i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"μ{i - 1}"),
    };
}
