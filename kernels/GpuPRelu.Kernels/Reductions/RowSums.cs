using ILGPU;

namespace GpuPRelu.Kernels.Reductions;

// Reference: tests/GpuPRelu.Tests/Reference/Reductions/RowSumsReference.cs

/// <summary>sums[b, 0] = Σ_m loss[b, m], sums[b, 1] = Σ_m correct[b, m], in a fixed order so runs repeat bit for bit
/// (no atomics). Index over B.</summary>
public static class RowSums
{
    public static void Kernel(
        Index1D b,
        BatchShape s,
        ArrayView<float> loss,    // [B, M]
        ArrayView<float> correct, // [B, M]
        ArrayView<float> sums)    // [B, 2]
    {
        float l = 0f, k = 0f;
        for (int m = 0; m < s.Samples; m++)
        {
            l += loss[b * s.Samples + m];
            k += correct[b * s.Samples + m];
        }
        sums[2 * b] = l;
        sums[2 * b + 1] = k;
    }
}
