using System.Globalization;
using GpuPRelu.Kernels;

namespace GpuPRelu.IO;

/// <summary>Networks in safetensors with the reference's state-dict names (docs/design.md §3): `prelulayer.W` [B, D, H],
/// `output_net.weight` [B, C, H], `output_net.bias` [B, C] (with bias), `center` [B, 1, D] (with a center) and `p` [B].
/// A file of one network may drop the leading B (the PyTorch layout: W [D, H], weight [C, H], bias [C], center [1, D]).</summary>
public static class NetworkFile
{
    /// <summary>Metadata key that records whether a_j is divided by ‖u‖^(p−1).</summary>
    public const string NormalizeInputKey = "normalize_input";

    /// <summary>Writes a batch from host arrays: θ packed [W | V | b] as in BatchShape, centers [B, D] (or null), p [B].</summary>
    public static void Write(string path, BatchShape shape, float[] theta, float[]? centers, IReadOnlyList<double> p,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(p);
        int B = shape.Networks, D = shape.Inputs, H = shape.Hidden, C = shape.Outputs;
        var weight = new float[B * C * H];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++)
            {
                for (int c = 0; c < C; c++)
                    weight[(b * C + c) * H + j] = theta[shape.VOffset + (b * H + j) * C + c];
            }
        }
        var tensors = new List<SafeTensor>
        {
            new("prelulayer.W", [B, D, H], theta[..shape.VOffset]),
            new("output_net.weight", [B, C, H], weight),
        };
        if (shape.HasBias != 0)
            tensors.Add(new("output_net.bias", [B, C], theta[shape.BiasOffset..]));
        if (centers is not null)
            tensors.Add(new("center", [B, 1, D], centers));
        tensors.Add(new("p", [B], [.. p.Select(x => (float)x)]));
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = "gpuprelu-networks",
            ["format_version"] = "1",
            [NormalizeInputKey] = shape.NormalizeInput != 0 ? "true" : "false",
        };
        SafeTensors.Write(path, tensors, meta);
    }

    /// <summary>Reads a batch back: the shape (Samples 0), θ packed, centers [B, D] (zeros without a center tensor),
    /// p [B] (null when the file has no p tensor, as a PyTorch state dict) and the metadata. Wrong names, ranks or
    /// shapes throw InvalidDataException naming the file, the tensor and the expected shape.</summary>
    public static (BatchShape Shape, float[] Theta, float[] Centers, double[]? P, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        string name = Path.GetFileName(path);
        var w = Get(tensors, "prelulayer.W", name);
        var weight = Get(tensors, "output_net.weight", name);
        bool batched = w.Shape.Length == 3;
        if (w.Shape.Length is not (2 or 3))
            throw new InvalidDataException($"{name}: prelulayer.W must be [D, H] or [B, D, H], got [{string.Join(", ", w.Shape)}]");
        int B = batched ? w.Shape[0] : 1, D = w.Shape[^2], H = w.Shape[^1];
        int C = weight.Shape.Length == (batched ? 3 : 2) ? weight.Shape[^2] : -1;
        Expect(weight, batched ? [B, C, H] : [C, H], name, "output_net.weight");
        tensors.TryGetValue("output_net.bias", out var bias);
        if (bias is not null)
            Expect(bias, batched ? [B, C] : [C], name, "output_net.bias");
        bool normalize = metadata.TryGetValue(NormalizeInputKey, out var n) && (n.Trim().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new InvalidDataException($"{name}: metadata '{NormalizeInputKey}' must be true or false, got '{n}'"),
        });
        var shape = new BatchShape(B, 0, D, H, C, bias is null ? 0 : 1, normalize ? 1 : 0);
        var theta = new float[shape.ParameterCount];
        w.Data.CopyTo(theta, 0);
        for (int b = 0; b < B; b++)
        {
            for (int c = 0; c < C; c++)
            {
                for (int j = 0; j < H; j++)
                    theta[shape.VOffset + (b * H + j) * C + c] = weight.Data[(b * C + c) * H + j];
            }
        }
        bias?.Data.CopyTo(theta, shape.BiasOffset);
        var centers = new float[B * D];
        if (tensors.TryGetValue("center", out var center))
        {
            Expect(center, batched ? [B, 1, D] : [1, D], name, "center");
            center.Data.CopyTo(centers, 0);
        }
        double[]? p = null;
        if (tensors.TryGetValue("p", out var pt))
        {
            Expect(pt, batched ? [B] : [1], name, "p");
            p = [.. pt.Data.Select(x => (double)x)];
            if (p.Any(x => !(x >= 1)))
                throw new InvalidDataException($"{name}: p must be ≥ 1, got {string.Join(", ", p.Select(x => x.ToString(CultureInfo.InvariantCulture)))}");
        }
        return (shape, theta, centers, p, metadata);
    }

    /// <summary>The NaN or infinite values of a packed θ and centers [B, D], one sentence per network and tensor that holds
    /// any, naming the file, the network index, the tensor and the count (empty when all are finite).</summary>
    public static IReadOnlyList<NonFiniteValues> NonFinite(string file, BatchShape shape, float[] theta, float[] centers)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(centers);
        long D = shape.Inputs, H = shape.Hidden, C = shape.Outputs;
        var found = new List<NonFiniteValues>();
        for (int b = 0; b < shape.Networks; b++)
        {
            foreach (var (tensor, start, length, source) in new (string, long, long, float[])[]
            {
                ("prelulayer.W", b * D * H, D * H, theta), ("output_net.weight", shape.VOffset + b * H * C, H * C, theta),
                ("output_net.bias", shape.BiasOffset + b * C, shape.HasBias != 0 ? C : 0, theta), ("center", b * D, D, centers),
            })
            {
                int bad = 0;
                foreach (float x in source.AsSpan((int)start, (int)length))
                    bad += float.IsFinite(x) ? 0 : 1;
                if (bad > 0)
                    found.Add(new NonFiniteValues(Path.GetFileName(file), b, tensor, bad, length));
            }
        }
        return found;
    }

    private static SafeTensor Get(IReadOnlyDictionary<string, SafeTensor> tensors, string key, string file) =>
        tensors.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"{file}: no tensor '{key}' (a network file holds prelulayer.W, output_net.weight, optionally output_net.bias, center, p; found {string.Join(", ", tensors.Keys)})");

    private static void Expect(SafeTensor t, int[] shape, string file, string key)
    {
        if (!t.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"{file}: {key} has shape [{string.Join(", ", t.Shape)}]; expected [{string.Join(", ", shape)}] to fit prelulayer.W");
    }
}
