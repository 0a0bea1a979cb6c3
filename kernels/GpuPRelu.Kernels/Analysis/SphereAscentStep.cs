using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Analysis;

// Reference: tests/GpuPRelu.Tests/Reference/Analysis/SphereAscentStepReference.cs

/// <summary>One step of normalized gradient ascent of h(x)² = (c·f(x) − G(x))² on the unit sphere (docs/design.md §1, distance
/// to an ideal classifier): record |h| at x in best, then x ← x + η·d/‖d‖ with d = h·(c·∇f − ∇G), renormalize x, and
/// write the network's input u = x − center. With η = 0 (the final evaluation) only best is updated. Index over B·M.</summary>
public static class SphereAscentStep
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        float step,              // η
        ArrayView<float> x,      // [B, M, D] points on the unit sphere (the ideal classifier's input), updated
        ArrayView<float> f,      // [B, M] network output at x
        ArrayView<float> g,      // [B, M] ideal classifier G at x
        ArrayView<float> df,     // [B, M, D] ∇f at x
        ArrayView<float> dg,     // [B, M, D] ∇G at x
        ArrayView<float> scale,  // [B] c
        ArrayView<float> center, // [B, D] the network's input center
        ArrayView<float> u,      // [B, M, D] the network's input x − center, written
        ArrayView<float> best)   // [B, M] largest |h| seen
    {
        int D = s.Inputs, b = i / s.Samples, row0 = i * D, c0 = b * D;
        float c = scale[b], h = c * f[i] - g[i];
        best[i] = XMath.Max(best[i], XMath.Abs(h));
        if (step == 0f)
            return;
        float d2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float dir = h * (c * df[row0 + d] - dg[row0 + d]);
            d2 += dir * dir;
        }
        // a stationary point (h = 0 or parallel gradients) stays put
        if (d2 == 0f)
            return;
        float move = step / XMath.Sqrt(d2), x2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float next = x[row0 + d] + move * h * (c * df[row0 + d] - dg[row0 + d]);
            x[row0 + d] = next;
            x2 += next * next;
        }
        float inv = 1f / XMath.Sqrt(x2);
        for (int d = 0; d < D; d++)
        {
            x[row0 + d] *= inv;
            u[row0 + d] = x[row0 + d] - center[c0 + d];
        }
    }
}
