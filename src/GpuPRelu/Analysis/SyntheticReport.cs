using System.Globalization;
using System.Text;
using GpuPRelu.Attacks;
using GpuPRelu.IO;

namespace GpuPRelu.Analysis;

/// <summary>What report.md is written from: the run's rows and the data's K (for the theory's radii 1/√K and √2/2).
/// Any list may be empty; its section then says it was not measured.</summary>
public sealed record SyntheticReportInput(
    string Title,
    int Subclasses,
    IReadOnlyList<DistanceRow> Distance,
    IReadOnlyList<AlignmentRow> Alignment,
    IReadOnlyList<RobustAccuracyRow> RobustAccuracy,
    TimeSpan? WallTime = null);

/// <summary>report.md of the synthetic study (paper §5.1, Fig. 2 / 5): each measured number beside the paper's claim it
/// tests — distance to F and F^(p) across α, neuron alignment per p, robust accuracy against the radii 1/√K and √2/2.</summary>
public static class SyntheticReport
{
    /// <summary>Writes the report to `path` atomically and returns its text.</summary>
    public static string Write(string path, SyntheticReportInput input)
    {
        var text = Render(input);
        AtomicFile.WriteText(path, text);
        return text;
    }

    /// <summary>The report as Markdown.</summary>
    public static string Render(SyntheticReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // every number in the report is formatted invariantly: the many interpolations run under the invariant culture
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return RenderInvariant(input);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static string RenderInvariant(SyntheticReportInput input)
    {
        var md = new StringBuilder();
        Line(md, $"# {input.Title}");
        Line(md);
        var wall = input.WallTime is { } t ? $"Wall time: {t.TotalSeconds:0.#} s. " : "";
        Line(md, $"{wall}K = {input.Subclasses}: 1/√K = {1 / Math.Sqrt(input.Subclasses):0.###}, √2/2 = {Math.Sqrt(2) / 2:0.###}.");
        Line(md);
        Distance(md, input.Distance);
        Alignment(md, input.Alignment);
        Robustness(md, input.RobustAccuracy, input.Subclasses);
        return md.ToString();
    }

    private static void Distance(StringBuilder md, IReadOnlyList<DistanceRow> rows)
    {
        Line(md, "## Distance to the ideal classifiers (Fig. 2a)");
        Line(md);
        Line(md, "Paper: the p = 1 network converges in direction to F, the p = 3 network to F^(3); dist(f₃, F^(3)) stays below dist(f₁, F) across α.");
        Line(md);
        // each p against its own ideal: F for p = 1, F^(p) for p > 1
        var own = rows.Where(r => r.P == 1 ? r.Ideal == "F" : r.Ideal == "Fp").ToList();
        if (own.Count == 0)
        {
            Line(md, "Not measured.");
            Line(md);
            return;
        }
        var ps = own.Select(r => r.P).Distinct().Order().ToList();
        Line(md, "| α | " + string.Join(" | ", ps.Select(p => p == 1 ? "dist(f₁, F) mean [min, max]" : $"dist(f_{p:0.##}, F^({p:0.##})) mean [min, max]")) + " |");
        Line(md, "|---|" + string.Concat(ps.Select(_ => "---|")));
        var alphas = own.Select(r => r.Alpha).Distinct().Order().ToList();
        foreach (var a in alphas)
        {
            var cells = ps.Select(p => own.Where(r => r.Alpha == a && r.P == p).Select(r => r.Distance).ToList())
                .Select(d => d.Count == 0 ? "–" : $"{d.Average():0.####} [{d.Min():0.####}, {d.Max():0.####}]");
            Line(md, $"| {a:0.####} | " + string.Join(" | ", cells) + " |");
        }
        Line(md);
        if (ps.Contains(1))
        {
            foreach (var p in ps.Where(p => p > 1))
            {
                int below = alphas.Count(a => MeanOf(own, a, p) < MeanOf(own, a, 1));
                Line(md, $"Measured: mean dist(f_{p:0.##}, F^({p:0.##})) < mean dist(f₁, F) at {below} of {alphas.Count} values of α"
                    + (below == alphas.Count ? " — as the paper claims." : " — the paper's claim does not hold at every α here."));
            }
            Line(md);
        }
    }

    private static double MeanOf(List<DistanceRow> rows, double alpha, double p)
    {
        var d = rows.Where(r => r.Alpha == alpha && r.P == p).Select(r => r.Distance).ToList();
        return d.Count == 0 ? double.NaN : d.Average();
    }

    private static void Alignment(StringBuilder md, IReadOnlyList<AlignmentRow> rows)
    {
        Line(md, "## Neuron alignment (Fig. 2b–d)");
        Line(md);
        Line(md, "Paper: the dominant neurons of p = 1 networks align with the class averages μ̄₊, μ̄₋; those of p = 3 networks with the subclass centers μ_k (cos ≥ 0.95).");
        Line(md);
        var ok = rows.Where(r => r.Dominant > 0).ToList();
        if (ok.Count == 0)
        {
            Line(md, "Not measured.");
            Line(md);
            return;
        }
        Line(md, "| p | networks | dominant neurons (mean) | aligned with a subclass center | aligned with μ̄₊ or μ̄₋ | unaligned | min cos with nearest | networks covering every μ_k |");
        Line(md, "|---|---|---|---|---|---|---|---|");
        int K = ok.Max(r => r.SubclassesCovered);
        foreach (var g in ok.GroupBy(r => r.P).OrderBy(g => g.Key))
        {
            double dominant = g.Sum(r => r.Dominant);
            Line(md, $"| {g.Key:0.##} | {g.Count()} | {dominant / g.Count():0.#} | {Percent(g.Sum(r => r.SubclassAligned), dominant)} | "
                + $"{Percent(g.Sum(r => r.AverageAligned), dominant)} | {Percent(g.Sum(r => r.Unaligned), dominant)} | "
                + $"{g.Min(r => r.MinCos):0.###} | {g.Count(r => r.SubclassesCovered == K && K > 0)} |");
        }
        int diverged = rows.Count - ok.Count;
        if (diverged > 0)
            Line(md, $"{diverged} diverged network(s) left out.");
        Line(md);
    }

    private static void Robustness(StringBuilder md, IReadOnlyList<RobustAccuracyRow> rows, int subclasses)
    {
        Line(md, "## Robust accuracy (Fig. 2e)");
        Line(md);
        Line(md, $"Paper: f₁ is not robust beyond an l2 radius of order 1/√K = {1 / Math.Sqrt(subclasses):0.###}; f₃ stays robust up to nearly √2/2 = {Math.Sqrt(2) / 2:0.###}.");
        Line(md);
        var all = rows.Where(r => !r.Network.StartsWith('F') && double.IsFinite(r.RobustAcc)).ToList();
        var trained = all.Where(r => r.Attack != AttackKind.Certified.Name && r.Attack != AttackKind.Standard.Name).ToList();
        if (trained.Count == 0)
        {
            Line(md, "Not measured.");
            Line(md);
            return;
        }
        var ps = trained.Select(r => r.P).Distinct().Order().ToList();
        Line(md, "| radius | " + string.Join(" | ", ps.Select(p => $"p = {p:0.##} mean [min, max]")) + " |");
        Line(md, "|---|" + string.Concat(ps.Select(_ => "---|")));
        foreach (var radius in trained.Select(r => r.Radius).Distinct().Order())
        {
            var cells = ps.Select(p => trained.Where(r => r.Radius == radius && r.P == p).Select(r => r.RobustAcc).ToList())
                .Select(a => a.Count == 0 ? "–" : $"{a.Average():0.###} [{a.Min():0.###}, {a.Max():0.###}]");
            Line(md, $"| {radius:0.###} | " + string.Join(" | ", cells) + " |");
        }
        Line(md);
        foreach (var p in ps)
        {
            var curve = trained.Where(r => r.P == p).GroupBy(r => r.Radius).OrderBy(g => g.Key)
                .Select(g => (Radius: g.Key, Acc: g.Average(r => r.RobustAcc))).ToList();
            var robust = curve.Where(c => c.Acc >= 0.95).Select(c => c.Radius).DefaultIfEmpty(double.NaN).Max();
            var broken = curve.Where(c => c.Acc <= 0.05).Select(c => c.Radius).DefaultIfEmpty(double.NaN).Min();
            Line(md, $"Measured, p = {p:0.##}: mean robust accuracy ≥ 0.95 up to radius {Radius(robust)}; ≤ 0.05 from radius {Radius(broken)}.");
        }
        Line(md);
        RobustBand.Write(md, all, ps);
    }

    private static string Radius(double r) => double.IsNaN(r) ? "none of the grid" : $"{r:0.###}";

    private static string Percent(double part, double whole) => whole > 0 ? $"{100 * part / whole:0.#}%" : "–";

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
