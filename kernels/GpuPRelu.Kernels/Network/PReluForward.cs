using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/PReluForwardReference.cs

/// <summary>Hidden layer z = ⟨w_j, u⟩ and a_j = ReLU(z)·(ReLU(z)/(r_j·q))^(p−1) (DESIGN §1; q = ‖u‖ only with
/// normalizeInput, else 1). Index over B·M·H.</summary>
public static class PReluForward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,     // [B]
        ArrayView<float> r,     // [B, H]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> z,     // [B, M, H]
        ArrayView<float> a)     // [B, M, H]
    {
        int h = s.Hidden;
        int j = i % h, bm = i / h, b = bm / s.Samples;
        int u0 = bm * s.Inputs, w0 = b * s.Inputs * h + j;
        float zz = 0f;
        for (int d = 0; d < s.Inputs; d++)
            zz += u[u0 + d] * theta[w0 + d * h];
        z[i] = zz;
        a[i] = zz > 0f ? zz * PReluMath.Pow(zz / PReluMath.Scale(r[b * h + j], q[bm], s.NormalizeInput), p[b] - 1f) : 0f;
    }
}
