using System.Globalization;
using System.Text;
using GpuPRelu.Attacks;

namespace GpuPRelu.Analysis;

/// <summary>Robust accuracy as an interval in a report: the certified (proven) mean below, the mean of the strongest
/// attack's above; the true robust accuracy lies between.</summary>
public static class RobustBand
{
    /// <summary>Appends the section "Bounded from both sides" to `md` when `rows` (trained networks only) hold certified
    /// rows: per radius and p, [mean certified robust accuracy, mean of the lowest robust accuracy any attack of `rows`
    /// reached], then per p the largest grid radius up to which the proven mean stays ≥ 0.95 and ≥ 0.5.</summary>
    public static void Write(StringBuilder md, IReadOnlyList<RobustAccuracyRow> rows, IReadOnlyList<double> ps)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(ps);
        var ic = CultureInfo.InvariantCulture;
        var proven = rows.Where(r => r.Attack == AttackKind.Certified.Name).ToList();
        if (proven.Count == 0)
            return;
        var attacks = rows.Where(r => r.Attack != AttackKind.Certified.Name).Select(r => r.Attack).Distinct().Order(StringComparer.Ordinal).ToList();
        // per network and radius the lowest robust accuracy any attack reached
        var best = rows.Where(r => r.Attack != AttackKind.Certified.Name).GroupBy(r => (r.Network, r.Radius)).Select(g => g.MinBy(r => r.RobustAcc)!).ToList();
        md.AppendLine("### Bounded from both sides");
        md.AppendLine();
        md.AppendLine(ic, $"Each cell is [proven, attacked]: the mean certified robust accuracy (every perturbation inside a point's certified radius provably leaves its decision unchanged; certified.csv, docs/certify.md) and the mean of the lowest robust accuracy the attacks run ({string.Join(", ", attacks)}) reached. The true robust accuracy lies between.");
        md.AppendLine();
        md.AppendLine("| radius | " + string.Join(" | ", ps.Select(p => string.Create(ic, $"p = {p:0.##}"))) + " |");
        md.AppendLine("|---|" + string.Concat(ps.Select(_ => "---|")));
        double Mean(List<RobustAccuracyRow> from, double p, double radius) =>
            from.Where(r => r.P == p && r.Radius == radius).Select(r => r.RobustAcc).DefaultIfEmpty(double.NaN).Average();
        foreach (var radius in proven.Select(r => r.Radius).Distinct().Order())
            md.AppendLine(string.Create(ic, $"| {radius:0.###} | ") + string.Join(" | ", ps.Select(p => string.Create(ic, $"[{Mean(proven, p, radius):0.###}, {Mean(best, p, radius):0.###}]"))) + " |");
        md.AppendLine();
        foreach (var p in ps)
        {
            var curve = proven.Where(r => r.P == p).GroupBy(r => r.Radius).OrderBy(g => g.Key).Select(g => (Radius: g.Key, Acc: g.Average(r => r.RobustAcc))).ToList();
            // the largest grid radius up to which every smaller one keeps the proven accuracy
            double Upto(double level) => curve.TakeWhile(c => c.Acc >= level).Select(c => c.Radius).DefaultIfEmpty(double.NaN).Max();
            md.AppendLine(ic, $"Proven, p = {p:0.##}: mean certified robust accuracy ≥ 0.95 up to radius {RadiusText(Upto(0.95))}, ≥ 0.5 up to radius {RadiusText(Upto(0.5))}.");
        }
        md.AppendLine();
    }

    private static string RadiusText(double r) => double.IsNaN(r) ? "none of the grid" : r.ToString("0.###", CultureInfo.InvariantCulture);
}
