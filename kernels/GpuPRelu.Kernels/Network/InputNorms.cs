using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/InputNormsReference.cs

/// <summary>q[b, m] = ‖u_m‖₂ of every centered input row (the normalizeInput factor, docs/design.md §1). Index over B·M.</summary>
public static class InputNorms
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,  // [B, M, D]
        ArrayView<float> q)  // [B, M]
    {
        int u0 = i * s.Inputs;
        float sum = 0f;
        for (int d = 0; d < s.Inputs; d++)
            sum += u[u0 + d] * u[u0 + d];
        q[i] = XMath.Sqrt(sum);
    }
}
