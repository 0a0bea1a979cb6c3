using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/HiddenBackwardReference.cs

/// <summary>Back through the activation: with δ = Σ_c V[j, c]·g[c], gz = δ·∂a/∂z = δ·p·(z/(r·q))^(p−1) for z &gt; 0
/// (else 0, relu'(0) = 0) and t = δ·a, which carries the ‖w‖ and ‖u‖ terms (docs/design.md §1). Index over B·M·H.</summary>
public static class HiddenBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> theta, // packed parameters, V at VOffset: [B, H, C]
        ArrayView<float> p,     // [B]
        ArrayView<float> r,     // [B, H]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> z,     // [B, M, H]
        ArrayView<float> a,     // [B, M, H]
        ArrayView<float> g,     // [B, M, C]
        ArrayView<float> gz,    // [B, M, H]
        ArrayView<float> t)     // [B, M, H]
    {
        int h = s.Hidden;
        int j = i % h, bm = i / h, b = bm / s.Samples;
        int v0 = s.VOffset + (b * h + j) * s.Outputs, g0 = bm * s.Outputs;
        float delta = 0f;
        for (int c = 0; c < s.Outputs; c++)
            delta += theta[v0 + c] * g[g0 + c];
        float zz = z[i];
        float pb = p[b];
        gz[i] = PReluMath.Backward(delta, zz, r[b * h + j], q[bm], pb, s.NormalizeInput);
        t[i] = delta * a[i];
    }
}
