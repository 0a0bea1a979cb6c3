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

    /// <summary>Reads rows back (tests, tools).</summary>
    public static List<TRow> Read<TRow>(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, ReadConfig);
        return [.. csv.GetRecords<TRow>()];
    }
}
