using System.Globalization;
using GpuPRelu.Data;
using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of DataSpec as flags and YAML keys, for the verbs that read networks: `evaluate` takes them all,
/// `attack` the real-data ones (its synthetic test sets are each network's own, set by its own fields).</summary>
public static class DataFields
{
    private static string N(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The source and the fields of MNIST and feature tables.</summary>
    public static IReadOnlyList<ConfigField<DataSpec>> Real { get; } =
    [
        new("data", "synthetic | mnist | features", false, (c, v) => c with { Source = DataSpec.ParseSource(v) }) { Show = c => DataSpec.Name(c.Source) },
        new("split", "mnist: train (first 50000) | valid (last 10000 of the training file, the reference's test set) | official-test (t10k)", false,
            (c, v) => c with { Split = MnistData.ParseSplit(v) }) { Show = c => MnistData.Name(c.Split) },
        new("classes", "classes; mnist labels are digits mod classes (default: the networks' outputs, 2 for one output)", false,
            (c, v) => c with { Classes = Count("classes", v) }),
        new("data-dir", "folder of the MNIST IDX files (default: mnist/ beside the tool, then data/mnist)", false, (c, v) => c with { DataDir = v }),
        new("pixel-divisor", "mnist pixels are byte / this", false, (c, v) => c with { PixelDivisor = Number("pixel_divisor", v) }) { Show = c => N(c.PixelDivisor) },
        new("features", "features: CSV (optional header) or 2-D .npy, one row per sample", false, (c, v) => c with { Features = v }),
        new("labels", "features: labels file, one-column CSV or 1-D .npy (default: the CSV's 'label' column)", false, (c, v) => c with { Labels = v }),
        new("label-column", "features: the CSV column holding the labels", false, (c, v) => c with { LabelColumn = v }),
        new("layer-norm", "features: standardize each row (nn.LayerNorm at init, eps 1e-5)", true, (c, v) => c with { LayerNorm = Switch("layer_norm", v) }),
    ];

    /// <summary>How many samples, and the subclass data's own fields.</summary>
    public static IReadOnlyList<ConfigField<DataSpec>> Synthetic { get; } =
    [
        new("n", "use the first N samples (default: all; synthetic 1000)", false, (c, v) => c with { Samples = Count("n", v) }),
        new("subclasses", "synthetic: K", false, (c, v) => c with { Subclasses = Count("subclasses", v) }) { Show = c => N(c.Subclasses) },
        new("positive-subclasses", "synthetic: K1", false, (c, v) => c with { PositiveSubclasses = Count("positive_subclasses", v) }) { Show = c => N(c.PositiveSubclasses) },
        new("alpha", "synthetic: intra-subclass std α", false, (c, v) => c with { Alpha = Number("alpha", v) }) { Show = c => N(c.Alpha) },
        new("seed", "synthetic: seed of the samples", false, (c, v) => c with { Seed = Count("seed", v) }) { Show = c => N(c.Seed) },
    ];
}
