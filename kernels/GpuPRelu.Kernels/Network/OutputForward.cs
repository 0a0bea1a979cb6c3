using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/OutputForwardReference.cs

/// <summary>Output layer f = Vᵀa + b (docs/design.md §1). Index over B·M·C.</summary>
public static class OutputForward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> a,     // [B, M, H]
        ArrayView<float> theta, // packed parameters, V at VOffset: [B, H, C], b at BiasOffset: [B, C]
        ArrayView<float> f)     // [B, M, C]
    {
        int c = i % s.Outputs, bm = i / s.Outputs, b = bm / s.Samples;
        int a0 = bm * s.Hidden, v0 = s.VOffset + b * s.Hidden * s.Outputs + c;
        float sum = s.HasBias != 0 ? theta[s.BiasOffset + b * s.Outputs + c] : 0f;
        for (int j = 0; j < s.Hidden; j++)
            sum += a[a0 + j] * theta[v0 + j * s.Outputs];
        f[i] = sum;
    }

    /// <summary>f = b + the tiles' shares of Vᵀa left by PReluForward.KernelTiled, added in tile order. Index over B·M·C.</summary>
    public static void KernelFromParts(
        Index1D i,
        BatchShape s,
        ArrayView<float> fPart, // [B, M, T, C], T = ⌈H/128⌉
        ArrayView<float> theta, // packed parameters, b at BiasOffset: [B, C]
        ArrayView<float> f)     // [B, M, C]
    {
        int c = i % s.Outputs, bm = i / s.Outputs, b = bm / s.Samples;
        int tiles = (s.Hidden + Tile.Size - 1) / Tile.Size, p0 = bm * tiles * s.Outputs + c;
        float sum = s.HasBias != 0 ? theta[s.BiasOffset + b * s.Outputs + c] : 0f;
        for (int t = 0; t < tiles; t++)
            sum += fPart[p0 + t * s.Outputs];
        f[i] = sum;
    }
}
