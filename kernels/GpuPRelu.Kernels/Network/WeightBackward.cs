using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/WeightBackwardReference.cs

/// <summary>dW[b, d, j] = Σ_m u[m, d]·gz[m, j] + (1−p)/r_j²·(Σ_m t[m, j])·w[d, j]: the direct term and the term of
/// the 1/‖w_j‖^(p−1) normalization (∂a/∂r = (1−p)·a/r, ∂r/∂w = w/r; DESIGN §1). Index over B·D·H.</summary>
public static class WeightBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> theta,  // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,      // [B]
        ArrayView<float> r,      // [B, H]
        ArrayView<float> gz,     // [B, M, H]
        ArrayView<float> t,      // [B, M, H]
        ArrayView<float> dTheta) // packed gradient, dW at 0
    {
        int h = s.Hidden;
        int j = i % h, bd = i / h, d = bd % s.Inputs, b = bd / s.Inputs;
        int u0 = b * s.Samples * s.Inputs + d, h0 = b * s.Samples * h + j;
        float direct = 0f, radial = 0f;
        for (int m = 0; m < s.Samples; m++)
        {
            direct += u[u0 + m * s.Inputs] * gz[h0 + m * h];
            radial += t[h0 + m * h];
        }
        float rj = r[b * h + j];
        dTheta[i] = rj > 0f ? direct + (1f - p[b]) / (rj * rj) * radial * theta[i] : direct;
    }
}
