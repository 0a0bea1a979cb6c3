using GpuPRelu.IO;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>A state_dict of the reference's ShallowPreluNet(D, h, C, bias) as safetensors, in the PyTorch layout (no
/// network axis, no p): center [1, D], prelulayer.W [D, h], output_net.weight [C, h], output_net.bias [C].</summary>
internal sealed record TorchNet(string Path, float[] Center, float[] W, float[] Weight, float[] Bias)
{
    /// <summary>Random weights on PyTorch's init scales (Kaiming-uniform W, nn.Linear output), center uniform in ±0.2.</summary>
    public static TorchNet Random(string path, int D, int H, int C, int seed)
    {
        var rng = new System.Random(seed);
        return Write(path, Uniform(rng, D, 0.2), Uniform(rng, D * H, Math.Sqrt(6.0 / H)), Uniform(rng, C * H, 1 / Math.Sqrt(H)),
            Uniform(rng, C, 1 / Math.Sqrt(H)));
    }

    public static TorchNet Write(string path, float[] center, float[] w, float[] weight, float[] bias)
    {
        int D = center.Length, H = w.Length / D, C = bias.Length;
        SafeTensors.Write(path, [new("center", [1, D], center), new("prelulayer.W", [D, H], w), new("output_net.weight", [C, H], weight),
            new("output_net.bias", [C], bias)]);
        return new TorchNet(path, center, w, weight, bias);
    }

    public static float[] Uniform(System.Random rng, int n, double scale) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(scale * (2 * rng.NextDouble() - 1)))];
}
