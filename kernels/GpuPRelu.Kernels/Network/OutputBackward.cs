using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/OutputBackwardReference.cs

/// <summary>dV[b, j, c] = Σ_m a[b, m, j]·g[b, m, c] and, for j = H, db[b, c] = Σ_m g[b, m, c] (0 without bias),
/// written into the packed gradient. Index over B·(H+1)·C: the bias is the neuron j = H with a = 1.</summary>
public static class OutputBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> a,      // [B, M, H]
        ArrayView<float> g,      // [B, M, C] ∂L/∂f
        ArrayView<float> dTheta) // packed gradient, same layout as the parameters
    {
        int c = i % s.Outputs, bj = i / s.Outputs;
        int j = bj % (s.Hidden + 1), b = bj / (s.Hidden + 1);
        int g0 = b * s.Samples * s.Outputs + c;
        float sum = 0f;
        if (j == s.Hidden)
        {
            if (s.HasBias != 0)
            {
                for (int m = 0; m < s.Samples; m++)
                    sum += g[g0 + m * s.Outputs];
            }
            dTheta[s.BiasOffset + b * s.Outputs + c] = sum;
            return;
        }
        int a0 = b * s.Samples * s.Hidden + j;
        for (int m = 0; m < s.Samples; m++)
            sum += a[a0 + m * s.Hidden] * g[g0 + m * s.Outputs];
        dTheta[s.VOffset + (b * s.Hidden + j) * s.Outputs + c] = sum;
    }
}
