using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace GpuPRelu.Sweeps;

/// <summary>Whether a committed batch folder is whole: batch.json of this plan and batch, summary.csv with SweepTable's
/// header and one complete row per network of the batch in order, and each phase CSV of the plan's phases present,
/// ending with a newline, every row as wide as its header and keyed by a network of the batch. A folder emptied,
/// truncated or edited by hand is found here, before a resume trusts it or the sweep's outputs are written from it.</summary>
public static class BatchCheck
{
    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture) { NewLine = "\n", BadDataFound = null, MissingFieldFound = null };

    /// <summary>"FILE: what is wrong" for the first damage found in the folder of `batch` under `sweepDir`; null when whole.</summary>
    public static string? Problem(SweepPlan plan, SweepBatch batch, string sweepDir)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batch);
        var folder = BatchRunner.Folder(sweepDir, batch);
        var ids = batch.Networks.Select(n => n.Id).ToList();
        var members = ids.ToHashSet(StringComparer.Ordinal);
        var rule = Manifest(Path.Combine(folder, "batch.json"), plan.Hash, batch.Name);
        if (rule is null)
        {
            var summary = Path.Combine(folder, "summary.csv");
            rule = Table(summary, SweepTable.Columns, ids, members, exact: true);
            foreach (var file in Required(plan.Options.Phases).Select(f => Path.Combine(folder, f)).Where(_ => rule is null))
                rule = Table(file, null, ids, members, exact: false);
            foreach (var file in BatchRunner.PhaseFiles.Select(f => Path.Combine(folder, f)).Where(f => rule is null && File.Exists(f)))
                rule = Table(file, null, ids, members, exact: false);
        }
        return rule;
    }

    // the phase CSVs every batch of a plan with these phases writes (certified.csv only when its config asks)
    private static IEnumerable<string> Required(SweepPhases phases)
    {
        yield return "training.csv";
        if (phases.HasFlag(SweepPhases.Alignment))
            yield return "alignment.csv";
        if (phases.HasFlag(SweepPhases.Attack))
            yield return "robust_accuracy.csv";
        if (phases.HasFlag(SweepPhases.Distance))
            yield return "distance.csv";
    }

    private static string? Manifest(string path, string planHash, string name)
    {
        if (!File.Exists(path))
            return $"{path}: missing (a batch folder holds batch.json)";
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var hash = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("plan_hash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            var batch = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("batch", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            return hash == planHash && batch == name ? null : $"{path}: records batch '{batch}' of plan '{hash?[..Math.Min(12, hash.Length)]}', not {name} of this plan";
        }
        catch (JsonException ex)
        {
            return $"{path}: not JSON ({ex.Message})";
        }
    }

    // `header` null: any header whose first column is network_id; `exact`: one row per id, in the order of `ids`
    private static string? Table(string path, IReadOnlyList<string>? header, List<string> ids, HashSet<string> members, bool exact)
    {
        if (!File.Exists(path))
            return $"{path}: missing";
        var text = File.ReadAllText(path);
        if (text.Length == 0)
            return $"{path}: empty";
        if (text[^1] != '\n')
            return $"{path}: cut short (the last line has no newline)";
        using var csv = new CsvReader(new StringReader(text), Csv);
        csv.Read();
        csv.ReadHeader();
        var head = csv.HeaderRecord ?? [];
        if (header is not null ? !head.SequenceEqual(header) : head.Length == 0 || head[0] != "network_id")
            return $"{path}: header is not {(header is null ? "network_id,…" : "summary.csv's (" + string.Join(",", header.Take(3)) + ",…)")}";
        int row = 0;
        while (csv.Read())
        {
            row++;
            var fields = csv.Parser.Record ?? [];
            if (fields.Length != head.Length)
                return $"{path}: row {row} has {fields.Length} fields, the header {head.Length}";
            if (exact ? row > ids.Count || fields[0] != ids[row - 1] : !members.Contains(fields[0]))
                return $"{path}: row {row} is network '{fields[0]}', {(exact && row <= ids.Count ? $"expected {ids[row - 1]}" : "not one of the batch's")}";
        }
        return exact && row != ids.Count ? $"{path}: {row} rows for the batch's {ids.Count} networks" : null;
    }
}
