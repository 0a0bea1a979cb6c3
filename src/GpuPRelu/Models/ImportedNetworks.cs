using System.Globalization;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Kernels;

namespace GpuPRelu.Models;

/// <summary>Networks read from a safetensors file with the reference's state-dict names (NetworkFile, docs/design.md §3),
/// with p and the input normalization resolved: a PyTorch state_dict holds neither (the reference passes p and
/// normalize_input to forward), so they may be given here; given values override the file's.</summary>
public sealed record ImportedNetworks(string File, BatchShape Shape, float[] Theta, float[] Centers, double[] P)
{
    /// <summary>The file's metadata (alpha, seed, normalize_input, … as train --save writes them).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads `path`. `p` holds one value for every network or one per network; without it the file must have
    /// a p tensor. `normalizeInput` overrides the file's normalize_input metadata (absent: off). Throws
    /// InvalidDataException naming the file when p is missing, of the wrong count or below 1.</summary>
    public static ImportedNetworks Read(string path, IReadOnlyList<double>? p = null, bool? normalizeInput = null)
    {
        var (shape, theta, centers, fileP, metadata) = NetworkFile.Read(path);
        string name = Path.GetFileName(path);
        int B = shape.Networks;
        double[] resolved;
        if (p is { Count: > 0 })
        {
            if (p.Count != 1 && p.Count != B)
                throw new InvalidDataException($"{name}: holds {B} networks; give one p for all or {B} values, got {p.Count}");
            resolved = [.. Enumerable.Range(0, B).Select(b => p[p.Count == 1 ? 0 : b])];
        }
        else
        {
            resolved = fileP ?? throw new InvalidDataException(
                $"{name}: has no tensor 'p' (a PyTorch state_dict does not hold p); give p (--p) for its {B} network(s)");
        }
        foreach (double v in resolved.Where(v => !(v >= 1) || double.IsInfinity(v)))
            throw new InvalidDataException($"{name}: p must be ≥ 1 and finite, got {v.ToString(CultureInfo.InvariantCulture)}");
        if (normalizeInput is { } on)
            shape = shape with { NormalizeInput = on ? 1 : 0 };
        return new ImportedNetworks(path, shape, theta, centers, resolved)
        {
            Metadata = metadata,
            Alpha = Recorded(metadata, "alpha", B, name, a => double.IsFinite(a) && a >= 0, "a number ≥ 0"),
            NonFinite = NetworkFile.NonFinite(path, shape, theta, centers),
            Seed = Recorded(metadata, "seed", B, name, s => s >= 0 && s <= int.MaxValue && s == Math.Floor(s), "an integer ≥ 0"),
        };
    }

    /// <summary>One sentence per network and tensor holding NaN or infinite values (NetworkFile.NonFinite): those
    /// networks are reported as NaN, never evaluated as if they were numbers.</summary>
    public IReadOnlyList<NonFiniteValues> NonFinite { get; init; } = [];

    /// <summary>Whether every parameter and the center of network b are finite.</summary>
    public bool IsFinite(int b) => NonFinite.All(v => v.Network != b);

    /// <summary>Each network's α as train --save records it in the metadata; null when the file has none.</summary>
    public double[]? Alpha { get; init; }

    /// <summary>Each network's data seed as train --save records it in the metadata; null when the file has none.</summary>
    public double[]? Seed { get; init; }

    // a metadata list of one value per network, each checked by `rule`
    private static double[]? Recorded(IReadOnlyDictionary<string, string> meta, string key, int networks, string file,
        Func<double, bool> rule, string what)
    {
        if (!meta.TryGetValue(key, out var text))
            return null;
        var items = text.Split(',');
        if (items.Length != networks)
            throw new InvalidDataException($"{file}: metadata '{key}' has {items.Length} values for {networks} networks");
        var values = new double[networks];
        for (int b = 0; b < networks; b++)
        {
            if (!double.TryParse(items[b].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[b]) || !rule(values[b]))
                throw new InvalidDataException($"{file}: metadata '{key}' value {b + 1} of {networks} must be {what}, got '{items[b]}'");
        }
        return values;
    }

    /// <summary>Throws InvalidDataException naming the file and both sizes when `data` (described by `source`) does not fit
    /// the networks: its features per sample against D, its classes against the outputs (2 for one output).</summary>
    public void CheckFits(DataSet data, string source)
    {
        string file = Path.GetFileName(File);
        if (data.Inputs != Shape.Inputs)
            throw new InvalidDataException($"{file}: prelulayer.W is [{Shape.Inputs}, {Shape.Hidden}] (D = {Shape.Inputs} inputs), but the data "
                + $"({source}) has {data.Inputs} features per sample");
        int classes = Shape.Outputs == 1 ? 2 : Shape.Outputs;
        if (data.Classes != classes)
            throw new InvalidDataException($"{file}: output_net.weight has {Shape.Outputs} output(s), for {classes} classes, but the data "
                + $"({source}) has {data.Classes} classes");
    }

    /// <summary>The networks on the device, as one batch (NetworkInfo: index and p; α, seed and data set 0).</summary>
    public NetworkBatch ToBatch(ComputeDevice device) =>
        new(device, Shape, [.. P.Select((p, b) => new NetworkInfo(b, p, 0, 0, 0))], Theta, Centers);
}
