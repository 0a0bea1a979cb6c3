using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/OutputForwardReference.cs

/// <summary>Output layer f = Vᵀa + b (DESIGN §1). Index over B·M·C.</summary>
public static class OutputForward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> a,     // [B, M, H]
        ArrayView<float> theta, // packed parameters, V at VOffset: [B, H, C], b at BiasOffset: [B, C]
        ArrayView<float> f)     // [B, M, C]
    {
        int c = i % s.Outputs, bm = i / s.Outputs, b = bm / s.Samples;
        int a0 = bm * s.Hidden, v0 = s.VOffset + b * s.Hidden * s.Outputs + c;
        float sum = s.HasBias != 0 ? theta[s.BiasOffset + b * s.Outputs + c] : 0f;
        for (int j = 0; j < s.Hidden; j++)
            sum += a[a0 + j] * theta[v0 + j * s.Outputs];
        f[i] = sum;
    }
}
