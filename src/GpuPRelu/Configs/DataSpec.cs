using System.Globalization;
using System.Text.Json.Serialization;
using GpuPRelu.Data;
using GpuPRelu.IO;

namespace GpuPRelu.Configs;

/// <summary>Which real or synthetic samples a verb that reads networks (evaluate, attack) runs on. Samples = null takes
/// all of an MNIST split or a feature table (synthetic: 1000). Classes = null follows the networks' outputs (2 for a
/// single output). Fields map to flags: --data, --split, --n, --classes, --data-dir, --features, --labels,
/// --label-column, --layer-norm, --pixel-divisor, --subclasses, --positive-subclasses, --alpha, --seed.</summary>
public sealed record DataSpec
{
    public DataSourceKind Source { get; init; } = DataSourceKind.Mnist;
    public MnistSplit Split { get; init; } = MnistSplit.Valid;
    public int? Samples { get; init; }
    public int? Classes { get; init; }
    public string? DataDir { get; init; }
    public string? Features { get; init; }
    public string? Labels { get; init; }
    public string? LabelColumn { get; init; }
    public bool LayerNorm { get; init; }
    public double PixelDivisor { get; init; } = 255;
    public int Subclasses { get; init; } = 10;
    public int PositiveSubclasses { get; init; } = 6;
    public double Alpha { get; init; } = 0.01;
    public int Seed { get; init; }

    /// <summary>The synthetic source's data as its own part (a view: the fields and YAML keys stay flat); the input
    /// dimension is the networks'.</summary>
    [JsonIgnore] public SyntheticDataConfig SyntheticData => new(null, Subclasses, PositiveSubclasses, [Alpha]);

    /// <summary>Every rule this spec breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Samples is < 1)
            e.Add($"n must be ≥ 1, got {Samples}");
        if (Classes is < 2)
            e.Add($"classes must be ≥ 2, got {Classes}");
        if (Source == DataSourceKind.Mnist && Classes is > 10)
            e.Add($"classes must be ≤ 10 for mnist (labels are digits mod classes), got {Classes}");
        if (Source == DataSourceKind.Mnist && Samples > MnistData.SplitRows(Split))
            e.Add($"n must be ≤ {MnistData.SplitRows(Split)} for the {MnistData.Name(Split)} split, got {Samples}");
        if (!(PixelDivisor > 0) || double.IsInfinity(PixelDivisor))
            e.Add($"pixel_divisor must be > 0 and finite, got {PixelDivisor}");
        if (Source == DataSourceKind.Features)
        {
            e.AddRange(FeatureFileErrors(Features, Labels, LabelColumn, "--data features needs --features FILE (CSV or .npy)"));
        }
        else if (Features is not null || Labels is not null || LabelColumn is not null || LayerNorm)
        {
            e.Add($"features, labels, label_column and layer_norm apply to --data features only (data is {Name(Source)})");
        }
        if (Source == DataSourceKind.Synthetic)
        {
            e.AddRange(SyntheticData.Validate());
            if (Classes is not null and not 2)
                e.Add($"classes must be 2 for synthetic data (two classes of subclasses), got {Classes}");
            FieldParsers.NonNegative(e, "seed", Seed);
        }
        return e;
    }

    /// <summary>The rules of a feature table's files: the table given (`missing` says how) and present, a labels file
    /// present, not both a labels file and a label column.</summary>
    public static IEnumerable<string> FeatureFileErrors(string? features, string? labels, string? labelColumn, string missing)
    {
        if (features is null)
            yield return $"features: {missing}";
        else if (IO.InputFile.Problem("features", features) is { } featuresProblem)
            yield return featuresProblem;
        if (labels is not null && IO.InputFile.Problem("labels", labels) is { } labelsProblem)
            yield return labelsProblem;
        if (labels is not null && labelColumn is not null)
            yield return "labels and label_column exclude each other: give the labels as a file or as a column";
    }

    /// <summary>The --data name of a source.</summary>
    public static string Name(DataSourceKind source) => source.ToString().ToLowerInvariant();

    /// <summary>Parses synthetic, mnist or features.</summary>
    public static DataSourceKind ParseSource(string text) => text.Trim().ToLowerInvariant() switch
    {
        "synthetic" => DataSourceKind.Synthetic,
        "mnist" => DataSourceKind.Mnist,
        "features" => DataSourceKind.Features,
        _ => throw new FormatException($"data: '{text}' is not one of synthetic, mnist, features"),
    };

    /// <summary>A short description for CSV rows and logs: "mnist:valid", "features:x.npy", "synthetic:alpha=0.01".</summary>
    public string Describe() => Source switch
    {
        DataSourceKind.Mnist => $"mnist:{MnistData.Name(Split)}",
        DataSourceKind.Features => $"features:{Path.GetFileName(Features)}",
        _ => $"synthetic:alpha={Alpha.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>Loads the samples for networks with `inputs` inputs and `outputs` outputs (labels must fit them).
    /// Malformed or mismatched files throw InvalidDataException or FileNotFoundException naming the file.</summary>
    public DataSet Load(int inputs, int outputs)
    {
        int classes = Classes ?? (outputs == 1 ? 2 : outputs);
        switch (Source)
        {
            case DataSourceKind.Mnist:
                return MnistData.Load(MnistData.Locate(DataDir), Split, classes, Samples, PixelDivisor);
            case DataSourceKind.Features:
                var table = FeatureTable.Read(Features!, Labels, LabelColumn, classes);
                if (Samples is { } n && n < table.Samples)
                    table = table.Head(n);
                else if (Samples > table.Samples)
                    throw new InvalidDataException($"{Features}: has {table.Samples} rows; n asks for {Samples}");
                return LayerNorm ? FeatureTable.LayerNormalize(table) : table;
            default:
                if (inputs < Subclasses)
                    throw new InvalidDataException($"synthetic data with {Subclasses} subclasses needs ≥ {Subclasses} inputs; the networks have {inputs}");
                // the samples planned from the sizes before any is made (n is checked against the networks' inputs only here)
                if (Devices.MemoryPlan.HostErrors($"n: {Samples ?? 1000} synthetic samples of input dimension {inputs}",
                    [("the samples", (double)(Samples ?? 1000) * inputs, sizeof(float), 1)], Devices.MemoryPlan.HostBudget) is { Count: > 0 } sizes)
                    throw new InvalidDataException(string.Join("; ", sizes));
                var centers = SubclassData.Centers(inputs, Subclasses, random: false, Seed);
                return SubclassData.Generate(centers, inputs, Subclasses, PositiveSubclasses, Alpha, Samples ?? 1000, Seed, test: true);
        }
    }
}
