using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Analysis;

// Reference: tests/GpuPRelu.Tests/Reference/Analysis/PowerNormalizeReference.cs

/// <summary>λ[b] = ‖y_b‖ and v_b = y_b/λ[b] after a power step (λ → the largest eigenvalue of G_b as v converges;
/// a zero y leaves v as it is), and trace[b] = Σ_j G_b[j, j] (the ‖A‖_F² of the stable rank, docs/design.md §2). Index over B.</summary>
public static class PowerNormalize
{
    public static void Kernel(
        Index1D b,
        BatchShape s,
        ArrayView<float> g,      // [B, H, H]
        ArrayView<float> y,      // [B, H]
        ArrayView<float> v,      // [B, H]
        ArrayView<float> lambda, // [B]
        ArrayView<float> trace)  // [B]
    {
        int h = s.Hidden;
        float norm = 0f, t = 0f;
        for (int j = 0; j < h; j++)
        {
            norm += y[b * h + j] * y[b * h + j];
            t += g[(b * h + j) * h + j];
        }
        norm = XMath.Sqrt(norm);
        lambda[b] = norm;
        trace[b] = t;
        if (norm > 0f)
        {
            for (int j = 0; j < h; j++)
                v[b * h + j] = y[b * h + j] / norm;
        }
    }
}
