using System.CommandLine;
using GpuPRelu.Data;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli;

/// <summary>The data flags of the verbs that read networks (evaluate, attack), mapping 1:1 to DataSpec. `attack` has its
/// own --n and synthetic flags (each network's own test set), so it takes only the real-data ones (`synthetic: false`).</summary>
internal sealed class DataOptions(string defaultSource = "mnist", bool synthetic = true)
{
    readonly Option<string> _data = new("--data") { Description = "synthetic | mnist | features", DefaultValueFactory = _ => defaultSource };
    readonly Option<string> _split = new("--split") { Description = "mnist: train (first 50000) | valid (last 10000 of the training file, the reference's test set) | official-test (t10k)", DefaultValueFactory = _ => "valid" };
    readonly Option<int?> _n = new("--n") { Description = "use the first N samples (default: all; synthetic 1000)" };
    readonly Option<int?> _classes = new("--classes") { Description = "classes; mnist labels are digits mod classes (default: the networks' outputs, 2 for one output)" };
    readonly Option<string> _dataDir = new("--data-dir") { Description = "folder of the MNIST IDX files (default: mnist/ beside the tool, then data/mnist)" };
    readonly Option<double> _pixelDivisor = new("--pixel-divisor") { Description = "mnist pixels are byte / this", DefaultValueFactory = _ => 255 };
    readonly Option<string> _features = new("--features") { Description = "features: CSV (optional header) or 2-D .npy, one row per sample" };
    readonly Option<string> _labels = new("--labels") { Description = "features: labels file, one-column CSV or 1-D .npy (default: the CSV's 'label' column)" };
    readonly Option<string> _labelColumn = new("--label-column") { Description = "features: the CSV column holding the labels" };
    readonly Option<bool> _layerNorm = new("--layer-norm") { Description = "features: standardize each row (nn.LayerNorm at init, eps 1e-5)" };
    readonly Option<int> _subclasses = new("--subclasses") { Description = "synthetic: K", DefaultValueFactory = _ => 10 };
    readonly Option<int> _positive = new("--positive-subclasses") { Description = "synthetic: K1", DefaultValueFactory = _ => 6 };
    readonly Option<double> _alpha = new("--alpha") { Description = "synthetic: intra-subclass std α", DefaultValueFactory = _ => 0.01 };
    readonly Option<int> _seed = new("--seed") { Description = "synthetic: seed of the samples", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _data, _split, _classes, _dataDir, _pixelDivisor, _features, _labels, _labelColumn, _layerNorm })
            command.Options.Add(o);
        if (synthetic)
        {
            foreach (var o in new Option[] { _n, _subclasses, _positive, _alpha, _seed })
                command.Options.Add(o);
        }
    }

    /// <summary>The source named by --data.</summary>
    public DataSourceKind Source(ParseResult parse) => DataSpec.ParseSource(parse.GetValue(_data)!);

    /// <summary>The spec of the flags given; without the synthetic flags (attack), their defaults and Samples null.</summary>
    public DataSpec Build(ParseResult parse)
    {
        var spec = new DataSpec
        {
            Source = Source(parse),
            Split = MnistData.ParseSplit(parse.GetValue(_split)!),
            Classes = parse.GetValue(_classes),
            DataDir = parse.GetValue(_dataDir),
            PixelDivisor = parse.GetValue(_pixelDivisor),
            Features = parse.GetValue(_features),
            Labels = parse.GetValue(_labels),
            LabelColumn = parse.GetValue(_labelColumn),
            LayerNorm = parse.GetValue(_layerNorm),
        };
        return !synthetic ? spec : spec with
        {
            Samples = parse.GetValue(_n),
            Subclasses = parse.GetValue(_subclasses),
            PositiveSubclasses = parse.GetValue(_positive),
            Alpha = parse.GetValue(_alpha),
            Seed = parse.GetValue(_seed),
        };
    }
}
