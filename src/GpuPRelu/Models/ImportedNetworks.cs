using System.Globalization;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Kernels;

namespace GpuPRelu.Models;

/// <summary>Networks read from a safetensors file with the reference's state-dict names (NetworkFile, DESIGN §3),
/// with p and the input normalization resolved: a PyTorch state_dict holds neither (the reference passes p and
/// normalize_input to forward), so they may be given here; given values override the file's.</summary>
public sealed record ImportedNetworks(string File, BatchShape Shape, float[] Theta, float[] Centers, double[] P)
{
    /// <summary>Reads `path`. `p` holds one value for every network or one per network; without it the file must have
    /// a p tensor. `normalizeInput` overrides the file's normalize_input metadata (absent: off). Throws
    /// InvalidDataException naming the file when p is missing, of the wrong count or below 1.</summary>
    public static ImportedNetworks Read(string path, IReadOnlyList<double>? p = null, bool? normalizeInput = null)
    {
        var (shape, theta, centers, fileP, _) = NetworkFile.Read(path);
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
        return new ImportedNetworks(path, shape, theta, centers, resolved);
    }

    /// <summary>The networks on the device, as one batch (NetworkInfo: index and p; α, seed and data set 0).</summary>
    public NetworkBatch ToBatch(ComputeDevice device) =>
        new(device, Shape, [.. P.Select((p, b) => new NetworkInfo(b, p, 0, 0, 0))], Theta, Centers);
}
