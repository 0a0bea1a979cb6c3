using ILGPU;

namespace GpuPRelu.Kernels.Analysis;

// Reference: tests/GpuPRelu.Tests/Reference/Analysis/GramPowerStepReference.cs

/// <summary>y[b, :] = G_b·v[b, :], one step of power iteration on each network's symmetric H × H matrix (its largest
/// eigenvalue is ‖A‖₂² of the stable rank, docs/design.md §2). Index over B·H.</summary>
public static class GramPowerStep
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> g, // [B, H, H]
        ArrayView<float> v, // [B, H]
        ArrayView<float> y) // [B, H]
    {
        int h = s.Hidden;
        int j = i % h, b = i / h;
        int g0 = (b * h + j) * h;
        float sum = 0f;
        for (int k = 0; k < h; k++)
            sum += g[g0 + k] * v[b * h + k];
        y[i] = sum;
    }
}
