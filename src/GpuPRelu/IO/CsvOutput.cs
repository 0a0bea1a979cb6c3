using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace GpuPRelu.IO;

/// <summary>Tidy CSV output: one header, invariant culture, written atomically. Column names come from the row
/// record's [Name] attributes (snake_case).</summary>
public static class CsvOutput
{
    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    // row records bind by constructor, whose parameters carry the PascalCase names: match nearest_cos to NearestCos
    private static readonly CsvConfiguration ReadConfig = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        PrepareHeaderForMatch = args => args.Header.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant(),
    };

    /// <summary>Writes all rows to `path`, replacing it atomically.</summary>
    public static void Write<TRow>(string path, IEnumerable<TRow> rows) =>
        AtomicFile.Write(path, s =>
        {
            using var writer = new StreamWriter(s, leaveOpen: true);
            using var csv = new CsvWriter(writer, Config);
            csv.WriteRecords(rows);
        });

    /// <summary>Appends rows to `path` (written by Write, header included) as complete lines in one write, flushed: a
    /// reader sees the file end at a row boundary before and after, never inside a row.</summary>
    public static void Append<TRow>(string path, IEnumerable<TRow> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Config))
        {
            foreach (var row in rows)
            {
                csv.WriteRecord(row);
                csv.NextRecord();
            }
        }
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text.ToString());
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.Write(bytes);
        stream.Flush(flushToDisk: false);
    }

    /// <summary>The rows of a file that Write started and Append extended, up to its last complete line (a kill during an
    /// append may leave part of one); empty when the file does not exist or holds no complete row.</summary>
    public static List<TRow> ReadComplete<TRow>(string path)
    {
        if (!File.Exists(path))
            return [];
        var text = File.ReadAllText(path);
        int end = text.LastIndexOf('\n');
        if (end < 0)
            return [];
        using var reader = new StringReader(text[..(end + 1)]);
        using var csv = new CsvReader(reader, ReadConfig);
        return [.. csv.GetRecords<TRow>()];
    }

    /// <summary>Appends rows to `path`, or starts it (header included) when it does not exist yet.</summary>
    public static void Extend<TRow>(string path, IEnumerable<TRow> rows)
    {
        if (File.Exists(path))
            Append(path, rows);
        else
            Write(path, rows);
    }

    /// <summary>Reads rows back (a resumed run's finished phases, tests, tools).</summary>
    public static List<TRow> Read<TRow>(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, ReadConfig);
        return [.. csv.GetRecords<TRow>()];
    }
}
