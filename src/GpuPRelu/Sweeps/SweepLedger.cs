using System.Text;
using System.Text.Json;

namespace GpuPRelu.Sweeps;

/// <summary>ledger.jsonl of a sweep folder: one JSON line per committed batch, appended and flushed to disk (fsync)
/// after the batch's folder was renamed into place. Append-only; a line cut short by a kill is ignored on reading.</summary>
public sealed class SweepLedger
{
    private readonly Lock _gate = new();

    /// <summary>The ledger of the sweep folder `dir`.</summary>
    public SweepLedger(string dir) => Path = System.IO.Path.Combine(dir, "ledger.jsonl");

    public string Path { get; }

    /// <summary>Records batch `name` of the plan `planHash` as committed.</summary>
    public void Append(string planHash, string name, string device, double seconds)
    {
        var line = SweepPlan.Json(new { Batch = name, Plan = planHash, Device = device, Seconds = Math.Round(seconds, 3), At = DateTimeOffset.UtcNow }) + "\n";
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (_gate)
        {
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>The batches the ledger records for `planHash`. Lines of another plan are skipped; so are lines that are no
    /// ledger entry (not a JSON object with the strings batch and plan: text added by hand, a line cut short by a kill),
    /// whose 1-based numbers go into `foreign` (but the last line's when it is cut short): the batch folders, not the
    /// ledger, are the commit, so a resume recovers their batches from the folders.</summary>
    public HashSet<string> Committed(string planHash, ICollection<int>? foreign = null)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(Path))
            return names;
        var lines = File.ReadAllLines(Path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (Entry(lines[i]) is { } entry)
            {
                if (entry.Plan == planHash)
                    names.Add(entry.Batch);
            }
            else if (!(i == lines.Length - 1 && Cut(lines[i])) && lines[i].Length > 0)
            {
                foreign?.Add(i + 1);
            }
        }
        return names;
    }

    private static (string Batch, string Plan)? Entry(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("batch", out var batch) && batch.ValueKind == JsonValueKind.String
                && root.TryGetProperty("plan", out var plan) && plan.ValueKind == JsonValueKind.String
                ? (batch.GetString()!, plan.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // the start of a line this class writes, cut short by a kill (not JSON)
    private static bool Cut(string line)
    {
        if (!line.StartsWith("{\"batch\":", StringComparison.Ordinal))
            return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
