using System.Globalization;
using System.Text;
using GpuPRelu.IO;

namespace GpuPRelu.Sweeps;

/// <summary>report.md of a sweep: the plan (hash, networks, batches, phases), then one table row per (D, width, K, p)
/// over the seeds and other keys: test accuracy, robust radius (median; ∞ counts as above the largest radius), distance
/// to F and to F^(p) (mean), beside the theory's radii 1/√K and √2/2; then the files.</summary>
public static class SweepReport
{
    /// <summary>Writes report.md into `dir` from the summary rows and the plots written.</summary>
    public static void Write(string dir, SweepPlan plan, IReadOnlyList<Dictionary<string, string>> rows, IReadOnlyList<string> plots)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(plots);
        var ci = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(ci, $"# Sweep {plan.ShortHash}\n\n");
        md.Append(ci, $"{rows.Count} networks in {plan.Batches.Count} batches; phases {SweepOptions.Name(plan.Options.Phases)}; plan hash `{plan.Hash}`.\n");
        md.Append("Swept: ").AppendJoin(", ", plan.Spec.Axes.Select(a => $"{a.Name} ({a.Steps.Count})")).Append(".\n\n");
        md.Append("The robust radius of a network is the smallest l2 radius of the sweep where its PGD robust accuracy drops below 0.5 "
            + "(∞: still ≥ 0.5 at the largest radius). The theory (Min & Vidal 2024): F breaks at 1/√K, F^(p) approaches √2/2 as p grows.\n\n");
        md.Append("| D | width | K | p | networks | test acc | robust radius (median) | 1/√K | dist to F (mean) | dist to F^(p) (mean) |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        var groups = rows.GroupBy(r => (D: Num(r["input_dim"]), H: Num(r["width"]), K: Num(r["subclasses"]), P: Num(r["p"])))
            .OrderBy(g => g.Key.D).ThenBy(g => g.Key.H).ThenBy(g => g.Key.K).ThenBy(g => g.Key.P);
        foreach (var g in groups)
        {
            md.Append(ci, $"| {g.Key.D} | {g.Key.H} | {g.Key.K} | {g.Key.P} | {g.Count()} | {Mean(g, "test_acc"):0.000} | {Median(g, "robust_radius"):0.###} | ");
            md.Append(ci, $"{1 / Math.Sqrt(g.Key.K):0.###} | {Mean(g, "dist_f"):0.####} | {(g.Key.P == 1 ? "" : Mean(g, "dist_fp").ToString("0.####", ci))} |\n");
        }
        md.Append("\n## Files\n\n");
        md.Append("- `summary.csv`: one row per network: network_id, batch, every configuration key, the results\n");
        md.Append("- `training.csv`, `alignment.csv`, `robust_accuracy.csv`, `distance.csv`: the phases' rows, keyed by network_id\n");
        foreach (var p in plots)
            md.Append(ci, $"- `{Path.GetFileName(p)}`\n");
        md.Append("- `plan.json`, `ledger.jsonl`, `manifest.json`, `batches/`: the plan, the committed batches, the run\n");
        AtomicFile.WriteText(Path.Combine(dir, "report.md"), md.ToString());
    }

    private static double Mean(IEnumerable<Dictionary<string, string>> g, string column)
    {
        var v = g.Select(r => Num(r[column])).Where(double.IsFinite).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }

    private static double Median(IEnumerable<Dictionary<string, string>> g, string column)
    {
        var v = g.Select(r => Num(r[column])).Where(x => !double.IsNaN(x)).Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static double Num(string text) => text.Length == 0 ? double.NaN : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
