using System.Globalization;
using System.Text;
using GpuPRelu.Attacks;
using GpuPRelu.Analysis;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.IO;

namespace GpuPRelu.Experiments;

/// <summary>report.md of the real-data study (paper §5.2, Figure 3): the configuration, clean accuracy and stable ranks
/// per p, and the robust-accuracy table beside the paper's claim that robustness grows with p.</summary>
public static class RealReport
{
    /// <summary>The rows the MNIST band is drawn from: the attack's (APGD-CE or the standard ensemble) and the proof's.</summary>
    public static bool Banded(string attack) =>
        attack == AttackKind.ApgdCe.Name || attack == AttackKind.Standard.Name || attack == AttackKind.Certified.Name;

    /// <summary>Writes the report to `path` atomically and returns its text.</summary>
    public static string Write(string path, RealConfig config, string source, DataSet train, DataSet test, int attacked, RealResult result)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(result);
        var text = Render(config, source, train, test, attacked, result);
        AtomicFile.WriteText(path, text);
        return text;
    }

    /// <summary>The report as Markdown, every number formatted invariantly.</summary>
    public static string Render(RealConfig c, string source, DataSet train, DataSet test, int attacked, RealResult result)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(result);
        var ic = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(ic, $"# pReLU networks on {source}: robustness against p (paper §5.2, Figure 3)");
        s.AppendLine();
        s.AppendLine(ic, $"{c.P.Count} values of p × {c.Repeats} repeats = {result.Summary.Count} networks trained as one batch: width {c.Width}, "
            + $"{train.Samples} training and {test.Samples} test samples of {train.Inputs} features, {train.Classes} classes; Adam lr {c.Lr}, "
            + $"batch {c.BatchSize}, {c.Epochs} epochs, softmax cross-entropy; center {(c.Center ? "on" : "off")}, bias {(c.Bias ? "on" : "off")}, "
            + $"input normalization {(c.NormalizeInput ? "on" : "off")}. Wall time {result.WallTime.TotalSeconds:0.#} s.");
        s.AppendLine();

        s.AppendLine("## After training (mean [min, max] over the repeats)");
        s.AppendLine();
        s.AppendLine("| p | train accuracy | test accuracy | stable rank of H | stable rank of W |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var g in result.Summary.GroupBy(r => r.P).OrderBy(g => g.Key))
        {
            s.AppendLine(ic, $"| {g.Key:0.##} | {Band(g.Select(r => r.TrainAcc))} | {Band(g.Select(r => r.TestAcc))} | "
                + $"{Band(g.Select(r => r.StableRankH), "0.00")} | {Band(g.Select(r => r.StableRankW), "0.00")} |");
        }
        int diverged = result.Summary.Count(r => r.Diverged);
        if (diverged > 0)
            s.AppendLine().AppendLine(ic, $"{diverged} network(s) diverged (NaN or infinite loss); their rows are NaN.");
        s.AppendLine();

        var sweep = result.RobustAccuracy.Where(r => r.Attack == AttackKind.ApgdCe.Name).ToList();
        var radii = sweep.Select(r => r.Radius).Distinct().Order().ToList();
        var ps = sweep.Select(r => r.P).Distinct().Order().ToList();
        string where = c.Box is { } box ? string.Create(ic, $"in pixel space, inputs kept in [{box.Lo}, {box.Hi}]") : "in feature space, no box";
        s.AppendLine(ic, $"## Robust accuracy under APGD-CE l∞ ({c.AttackIterations} iterations, {c.AttackRestarts} restart(s), {attacked} test points, {where})");
        s.AppendLine();
        s.AppendLine("| radius | " + string.Join(" | ", ps.Select(p => string.Create(ic, $"p = {p:0.##}"))) + " |");
        s.AppendLine("|---|" + string.Concat(ps.Select(_ => "---|")));
        foreach (var r in radii)
        {
            var cells = ps.Select(p => Band(sweep.Where(x => x.P == p && x.Radius == r).Select(x => x.RobustAcc)));
            s.AppendLine(ic, $"| {r:0.####} | {string.Join(" | ", cells)} |");
        }
        s.AppendLine();
        double headline = RealExperiment.Headline(radii);
        var means = ps.Select(p => sweep.Where(x => x.P == p && x.Radius == headline).Average(x => x.RobustAcc)).ToList();
        bool increasing = means.Zip(means.Skip(1)).All(pair => pair.Second > pair.First);
        string verdict = ps.Count < 2 ? " — one p only, nothing to compare."
            : increasing ? " — increasing with p, as the paper claims." : " — not increasing with p here.";
        s.AppendLine(ic, $"Paper's claim: robust accuracy grows with p (MNIST, radius 0.05). Measured at radius {headline:0.####}: "
            + $"{string.Join(", ", ps.Select((p, i) => string.Create(ic, $"p = {p:0.##}: {means[i]:0.000}")))}{verdict}");
        if (result.RobustAccuracy.Any(r => r.Attack == AttackKind.Certified.Name))
        {
            s.AppendLine();
            RobustBand.Write(s, [.. result.RobustAccuracy.Where(r => Banded(r.Attack))], ps);
        }
        var shortRows = result.RobustAccuracy.Where(r => r.Attack == AttackKind.ApgdCe.Name + "-short").ToList();
        if (shortRows.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("## Short grids (APGD-CE, mean over the repeats)");
            s.AppendLine();
            s.AppendLine("| norm | radius | " + string.Join(" | ", ps.Select(p => string.Create(ic, $"p = {p:0.##}"))) + " |");
            s.AppendLine("|---|---|" + string.Concat(ps.Select(_ => "---|")));
            foreach (var g in shortRows.GroupBy(r => (r.Norm, r.Radius)))
            {
                var cells = ps.Select(p => g.Where(x => x.P == p).Average(x => x.RobustAcc).ToString("0.000", ic));
                s.AppendLine(ic, $"| {g.Key.Norm} | {g.Key.Radius:0.####} | {string.Join(" | ", cells)} |");
            }
        }
        s.AppendLine();
        s.AppendLine("Files: training.csv (per epoch), summary.csv, robust_accuracy.csv, a_correlation.png, b_accuracy.png, c_stable_rank.png, "
            + "d_robust_accuracy.png, manifest.json.");
        return s.ToString();
    }

    private static string Band(IEnumerable<double> values, string format = "0.000")
    {
        var v = values.ToList();
        var ic = CultureInfo.InvariantCulture;
        return v.Count == 1 ? v[0].ToString(format, ic)
            : $"{v.Average().ToString(format, ic)} [{v.Min().ToString(format, ic)}, {v.Max().ToString(format, ic)}]";
    }
}
