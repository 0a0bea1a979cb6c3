using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.IO;

namespace GpuPRelu.Sweeps;

/// <summary>summary.csv of a sweep (tidy, one row per network): network_id, batch, every configuration key of the
/// study as a column (StudyFields order, lists space-separated), then the network's results — its last training
/// metrics, its robust radius (the smallest radius where its PGD robust accuracy drops below 0.5; inf when it never does
/// within the radii), its distance to F and to F^(p), and its alignment summary. Phases not run leave their columns empty.</summary>
public static class SweepTable
{
    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    /// <summary>The result columns after the configuration keys.</summary>
    public static IReadOnlyList<string> ResultColumns { get; } =
        ["final_loss", "train_acc", "test_acc", "diverged", "robust_radius", "dist_f", "dist_fp", "dominant_share", "subclasses_covered"];

    /// <summary>The configuration keys with a column: every study key but those that change none of the results here
    /// (and are absent from a config that does not set them): log_rows (the middle log points of training.csv), attack
    /// and certify (the band's rows in robust_accuracy.csv and certified.csv; robust_radius is the paper's PGD's).</summary>
    private static IReadOnlyList<string> ConfigKeys { get; } = [.. StudyFields.All.Select(f => f.Key).Where(k => k is not ("log_rows" or "attack" or "certify"))];

    /// <summary>Every column, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["network_id", "batch", .. ConfigKeys, .. ResultColumns];

    /// <summary>Writes the rows of a batch (row b is network b of `batch`) to `path`, atomically.</summary>
    public static void Write(string path, SweepBatch batch, IReadOnlyList<SummaryRow> summary, IReadOnlyList<RobustAccuracyRow> robust,
        IReadOnlyList<DistanceRow> distance, IReadOnlyList<AlignmentRow> alignment)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(robust);
        ArgumentNullException.ThrowIfNull(distance);
        ArgumentNullException.ThrowIfNull(alignment);
        AtomicFile.Write(path, s =>
        {
            using var writer = new StreamWriter(s, leaveOpen: true);
            using var csv = new CsvWriter(writer, Csv);
            foreach (var c in Columns)
                csv.WriteField(c);
            csv.NextRecord();
            for (int b = 0; b < batch.Networks.Count; b++)
            {
                var n = batch.Networks[b];
                csv.WriteField(n.Id);
                csv.WriteField(batch.Name);
                foreach (var v in ConfigValues(n.Config))
                    csv.WriteField(v);
                var last = summary.FirstOrDefault(r => r.Network == b);
                var align = alignment.FirstOrDefault(r => r.Network == b);
                var curve = robust.Where(r => r.Network == b.ToString(CultureInfo.InvariantCulture) && r.Attack == AttackKind.Pgd.Name).ToList();
                csv.WriteField(Num(last?.Loss));
                csv.WriteField(Num(last?.TrainAcc));
                csv.WriteField(Num(last?.TestAcc));
                csv.WriteField(last is null ? "" : last.Diverged ? "true" : "false");
                csv.WriteField(curve.Count == 0 ? "" : Num(Radius(curve)));
                csv.WriteField(Num(distance.FirstOrDefault(r => r.Network == b && r.Ideal == "F")?.Distance));
                csv.WriteField(Num(distance.FirstOrDefault(r => r.Network == b && r.Ideal == "Fp")?.Distance));
                csv.WriteField(Num(align?.DominantShare));
                csv.WriteField(align is null ? "" : align.SubclassesCovered.ToString(CultureInfo.InvariantCulture));
                csv.NextRecord();
            }
        });
    }

    /// <summary>The smallest radius where the robust accuracy drops below 0.5 (∞ when it never does; NaN when diverged).</summary>
    public static double Radius(IReadOnlyList<RobustAccuracyRow> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Any(r => double.IsNaN(r.RobustAcc)))
            return double.NaN;
        return curve.OrderBy(r => r.Radius).FirstOrDefault(r => r.RobustAcc < 0.5)?.Radius ?? double.PositiveInfinity;
    }

    /// <summary>The values of every configuration key of `config`, in StudyFields order (lists space-separated).</summary>
    public static IEnumerable<string> ConfigValues(StudyConfig config)
    {
        var tree = SweepPlan.Tree(config);
        var train = tree.GetProperty("train");
        foreach (var key in ConfigKeys)
        {
            var e = train.TryGetProperty(key, out var t) ? t : tree.GetProperty(key);
            yield return e.ValueKind == JsonValueKind.Array
                ? string.Join(" ", e.EnumerateArray().Select(Text))
                : Text(e);
        }
    }

    /// <summary>Reads a summary.csv (a sweep's or a batch's) as rows of column → text.</summary>
    public static List<Dictionary<string, string>> Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, Csv);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
            rows.Add(header.Select((h, i) => (h, csv.GetField(i) ?? "")).ToDictionary(x => x.h, x => x.Item2));
        return rows;
    }

    private static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Null => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };

    private static string Num(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
}
