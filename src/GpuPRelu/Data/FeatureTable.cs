using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using GpuPRelu.IO;

namespace GpuPRelu.Data;

/// <summary>A table of the user's own features (the Caltech256 experiment's shape: one row per sample, one column per
/// feature) with integer class labels, as a DataSet. Features come from a CSV file (an optional header row; a header
/// is recognized by a field that is not a number) or a 2-D .npy file; labels from a column of the CSV (`labelColumn`,
/// or a column named "label"), or from a separate file (a one-column CSV or a 1-D or [N, 1] .npy). Refused, naming
/// the file and the row: a value that is not a finite number (NaN, ±∞ included), rows of different lengths, labels
/// that are not non-negative integers, or a label count that differs from the feature rows.</summary>
public static class FeatureTable
{
    /// <summary>The column taken as labels when a CSV has a header with this name and no other labels are given.</summary>
    public const string DefaultLabelColumn = "label";

    /// <summary>Reads features and labels; `classes` (when given) must exceed every label, otherwise it is the largest
    /// label + 1 (at least 2).</summary>
    public static DataSet Read(string featuresPath, string? labelsPath = null, string? labelColumn = null, int? classes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(featuresPath);
        if (labelsPath is not null && labelColumn is not null)
            throw new ArgumentException("give labels either as a file or as a column, not both", nameof(labelColumn));
        var (x, rows, inputs, columnLabels) = IsNpy(featuresPath)
            ? ReadNpyFeatures(featuresPath)
            : ReadCsvFeatures(featuresPath, labelColumn, labelsPath is null);
        double[] labels = labelsPath is not null ? ReadLabelFile(labelsPath)
            : columnLabels ?? throw new InvalidDataException(
                $"{featuresPath}: no labels; pass a labels file, or a CSV with a '{DefaultLabelColumn}' column (or name the column)");
        string labelSource = labelsPath ?? featuresPath;
        if (labels.Length != rows)
            throw new InvalidDataException($"{featuresPath} has {rows} feature rows but {labelSource} has {labels.Length} labels");

        var y = new int[rows];
        for (int n = 0; n < rows; n++)
        {
            double v = labels[n];
            if (!(v >= 0) || v != Math.Floor(v) || v > int.MaxValue)
                throw new InvalidDataException($"{labelSource}: label {v.ToString(CultureInfo.InvariantCulture)} of row {n} is not a non-negative integer");
            y[n] = (int)v;
        }
        int maxLabel = y.Max();
        if (classes is { } c && maxLabel >= c)
            throw new InvalidDataException($"{labelSource}: label {maxLabel} does not fit {c} classes (labels must be 0..{c - 1})");
        return new DataSet(x, y, rows, inputs, classes ?? Math.Max(2, maxLabel + 1));
    }

    /// <summary>Each row standardized to mean 0 and variance 1 over its features, (x − mean)/√(var + eps) with the
    /// biased variance: torch's nn.LayerNorm over the feature dimension at its initialization (weight 1, bias 0), which
    /// the reference's probing module applies to extracted features.</summary>
    public static DataSet LayerNormalize(DataSet data, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.Inputs;
        var x = new float[data.X.Length];
        Parallel.For(0, data.Samples, n =>
        {
            var row = data.X.AsSpan(n * d, d);
            double mean = 0, variance = 0;
            foreach (float v in row)
                mean += v;
            mean /= d;
            foreach (float v in row)
                variance += (v - mean) * (v - mean);
            double scale = 1 / Math.Sqrt(variance / d + eps);
            for (int k = 0; k < d; k++)
                x[n * d + k] = (float)((row[k] - mean) * scale);
        });
        return data with { X = x };
    }

    static bool IsNpy(string path) => path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);

    static (float[] X, int Rows, int Inputs, double[]? Labels) ReadNpyFeatures(string path)
    {
        var a = NpyReader.Read(path);
        if (a.Shape.Length != 2 || a.Shape[0] < 1 || a.Shape[1] < 1)
            throw new InvalidDataException($"{path}: features must be a 2-D array [samples, features] with both sizes ≥ 1, got shape ({string.Join(", ", a.Shape)})");
        int bad = Array.FindIndex(a.Data, v => !double.IsFinite(v));
        if (bad >= 0)
            throw new InvalidDataException($"{path}: row {bad / a.Shape[1]}, column {bad % a.Shape[1]} is {a.Data[bad].ToString(CultureInfo.InvariantCulture)}; features must be finite");
        return ([.. a.Data.Select(v => (float)v)], a.Shape[0], a.Shape[1], null);
    }

    static double[] ReadLabelFile(string path)
    {
        if (IsNpy(path))
        {
            var a = NpyReader.Read(path);
            if (!(a.Shape.Length == 1 || (a.Shape.Length == 2 && a.Shape[1] == 1)))
                throw new InvalidDataException($"{path}: labels must be a 1-D array or [N, 1], got shape ({string.Join(", ", a.Shape)})");
            return a.Data;
        }
        var (rows, header) = ReadCsv(path);
        int width = rows.Count > 0 ? rows[0].Length : 0;
        if (width != 1)
            throw new InvalidDataException($"{path}: a labels CSV has one column, found {width}{(header is null ? "" : $" ({string.Join(", ", header)})")}");
        return [.. rows.Select(r => r[0])];
    }

    static (float[] X, int Rows, int Inputs, double[]? Labels) ReadCsvFeatures(string path, string? labelColumn, bool findLabels)
    {
        var (rows, header) = ReadCsv(path);
        int labelAt = -1;
        if (labelColumn is not null)
        {
            if (header is null)
                throw new InvalidDataException($"{path}: has no header row, so it has no column named '{labelColumn}'");
            labelAt = Array.IndexOf(header, labelColumn);
            if (labelAt < 0)
                throw new InvalidDataException($"{path}: no column named '{labelColumn}' (columns: {string.Join(", ", header)})");
        }
        else if (findLabels && header is not null)
        {
            labelAt = Array.IndexOf(header, DefaultLabelColumn);
        }
        int width = rows[0].Length, inputs = width - (labelAt >= 0 ? 1 : 0);
        if (inputs < 1)
            throw new InvalidDataException($"{path}: no feature columns");
        var x = new float[(long)rows.Count * inputs];
        double[]? labels = labelAt >= 0 ? new double[rows.Count] : null;
        for (int n = 0; n < rows.Count; n++)
        {
            for (int k = 0, d = 0; k < width; k++)
            {
                if (k == labelAt)
                    labels![n] = rows[n][k];
                else
                    x[(long)n * inputs + d++] = (float)rows[n][k];
            }
        }
        return (x, rows.Count, inputs, labels);
    }

    // the next record's fields (null at the end); CsvHelper's own errors (a stray or unclosed quote, met while reading or
    // splitting the record) become the tool's input error, naming the file and the line
    static string[]? Next(CsvParser parser, string path)
    {
        try
        {
            return parser.Read() ? parser.Record : null;
        }
        catch (CsvHelperException ex)
        {
            var what = ex is BadDataException bad ? $"a stray or unclosed quote (\") in '{(bad.Field.Length > 40 ? bad.Field[..40] + "…" : bad.Field)}'" : ex.Message.Split('\n')[0].Trim();
            throw new InvalidDataException($"{path}: line {parser.RawRow}: malformed CSV: {what}", ex);
        }
    }

    /// <summary>All rows as numbers, the header (when the first row holds a field that is not a number) apart.</summary>
    static (List<double[]> Rows, string[]? Header) ReadCsv(string path)
    {
        InputFile.Require(path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, DetectColumnCountChanges = false };
        using var reader = new StreamReader(path);
        using var parser = new CsvParser(reader, config);
        var rows = new List<double[]>();
        string[]? header = null;
        while (Next(parser, path) is { } fields)
        {
            int line = parser.RawRow;
            if (rows.Count == 0 && header is null && fields.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                header = [.. fields.Select(f => f.Trim())];
                continue;
            }
            int expected = header?.Length ?? (rows.Count > 0 ? rows[0].Length : fields.Length);
            if (fields.Length != expected)
                throw new InvalidDataException($"{path}: line {line} has {fields.Length} fields, expected {expected} (rows must all have the same length)");
            var values = new double[fields.Length];
            for (int k = 0; k < fields.Length; k++)
            {
                if (!double.TryParse(fields[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]))
                    throw new InvalidDataException($"{path}: line {line}, column {k + 1}: '{fields[k]}' is not a number");
                if (!double.IsFinite(values[k]))
                    throw new InvalidDataException($"{path}: line {line}, column {k + 1} is {fields[k].Trim()}; values must be finite numbers");
            }
            rows.Add(values);
        }
        if (rows.Count == 0)
            throw new InvalidDataException($"{path}: no data rows");
        return (rows, header);
    }
}
