using ILGPU;

namespace GpuPRelu.Kernels.Analysis;

// Reference: tests/GpuPRelu.Tests/Reference/Analysis/GramAccumulateReference.cs

/// <summary>g[b, j, k] += Σ_m a[b, m, j]·a[b, m, k]: the Gram matrix AᵀA of each network's rows, accumulated chunk by
/// chunk, so ‖A‖_F² = trace and ‖A‖₂² = λ_max of it (stable rank, DESIGN §2 MNIST metrics). With the rows of W
/// (M = D) it gives WᵀW. Index over B·H·H.</summary>
public static class GramAccumulate
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> a, // [B, M, H]
        ArrayView<float> g) // [B, H, H]
    {
        int h = s.Hidden;
        int k = i % h, bj = i / h, j = bj % h, b = bj / h;
        int a0 = b * s.Samples * h;
        float sum = 0f;
        for (int m = 0; m < s.Samples; m++)
            sum += a[a0 + m * h + j] * a[a0 + m * h + k];
        g[i] += sum;
    }
}
