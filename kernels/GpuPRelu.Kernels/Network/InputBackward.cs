using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/InputBackwardReference.cs

/// <summary>Gradient with respect to the centered input (for attacks): dU[b, m, d] = Σ_j gz[m, j]·W[d, j], plus with
/// normalizeInput the term (1−p)/q²·(Σ_j t[m, j])·u[m, d] of the 1/‖u‖^(p−1) factor (DESIGN §1). Index over B·M·D.</summary>
public static class InputBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,     // [B]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> gz,    // [B, M, H]
        ArrayView<float> t,     // [B, M, H]
        ArrayView<float> du)    // [B, M, D]
    {
        int h = s.Hidden;
        int d = i % s.Inputs, bm = i / s.Inputs, b = bm / s.Samples;
        int w0 = (b * s.Inputs + d) * h, h0 = bm * h;
        float direct = 0f, radial = 0f;
        for (int j = 0; j < h; j++)
        {
            direct += gz[h0 + j] * theta[w0 + j];
            radial += t[h0 + j];
        }
        float qm = q[bm];
        du[i] = s.NormalizeInput != 0 && qm > 0f ? direct + (1f - p[b]) / (qm * qm) * radial * u[i] : direct;
    }
}
