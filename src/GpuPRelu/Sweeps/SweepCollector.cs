using System.Text;
using GpuPRelu.IO;
using GpuPRelu.Plots;

namespace GpuPRelu.Sweeps;

/// <summary>A sweep's final outputs from its committed batches: summary.csv and the phase CSVs as the batches' rows
/// concatenated in plan order (so a resumed, sharded or merged sweep writes the same bytes as one run), the plots
/// across the swept axes and report.md.</summary>
public static class SweepCollector
{
    /// <summary>Writes the outputs into `dir` from dir/batches/*; refuses, before writing any, when a batch of the plan
    /// is missing or damaged (BatchCheck: InvalidDataException naming the files), so outputs written earlier stay.</summary>
    public static void Write(SweepPlan plan, string dir)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var missing = plan.Batches.Where(b => !Directory.Exists(BatchRunner.Folder(dir, b))).Select(b => b.Name).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{dir}: {missing.Count} batch(es) of plan {plan.ShortHash} missing: {Names(missing)}");
        var damaged = plan.Batches.Select(b => BatchCheck.Problem(plan, b, dir)).OfType<string>().ToList();
        if (damaged.Count > 0)
        {
            throw new InvalidDataException($"{damaged[0]}{(damaged.Count > 1 ? $" (and {damaged.Count - 1} more damaged batch(es))" : "")}; "
                + $"the sweep's outputs in {dir} were left as they were; gpuprelu sweep --resume {dir} runs the damaged batches again");
        }
        foreach (var file in BatchRunner.PhaseFiles.Prepend("summary.csv"))
            Concatenate(plan, dir, file);
        var rows = SweepTable.Read(Path.Combine(dir, "summary.csv"));
        var plots = SweepPlot.Write(rows, dir);
        SweepReport.Write(dir, plan, rows, plots);
    }

    /// <summary>"b0001, b0004, … (and 12 more)" for messages.</summary>
    public static string Names(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return string.Join(", ", names.Take(10)) + (names.Count > 10 ? $", … ({names.Count - 10} more)" : "");
    }

    // the header of the first batch, then every batch's rows in plan order
    private static void Concatenate(SweepPlan plan, string dir, string file)
    {
        var parts = plan.Batches.Select(b => Path.Combine(BatchRunner.Folder(dir, b), file)).Where(File.Exists).ToList();
        if (parts.Count == 0)
            return;
        var text = new StringBuilder();
        for (int i = 0; i < parts.Count; i++)
        {
            var lines = File.ReadAllText(parts[i]);
            int body = i == 0 ? 0 : lines.IndexOf('\n', StringComparison.Ordinal) + 1;
            text.Append(lines, body, lines.Length - body);
        }
        AtomicFile.WriteText(Path.Combine(dir, file), text.ToString());
    }
}
