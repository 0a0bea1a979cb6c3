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

    /// <summary>The batches the ledger records for `planHash` (lines of another plan or cut short are skipped).</summary>
    public HashSet<string> Committed(string planHash)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(Path))
            return names;
        foreach (var line in File.ReadLines(Path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.GetProperty("plan").GetString() == planHash)
                    names.Add(doc.RootElement.GetProperty("batch").GetString() ?? "");
            }
            catch (JsonException)
            {
                // the last line of a killed run may be partial: that batch is recovered from its folder
            }
        }
        return names;
    }
}
