using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/ColumnNormsReference.cs

/// <summary>r[b, j] = ‖w_j‖₂ of every neuron (docs/design.md §1). Index over B·H.</summary>
public static class ColumnNorms
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> r)     // [B, H]
    {
        int b = i / s.Hidden, j = i % s.Hidden;
        int w0 = b * s.Inputs * s.Hidden + j;
        float sum = 0f;
        for (int d = 0; d < s.Inputs; d++)
        {
            float w = theta[w0 + d * s.Hidden];
            sum += w * w;
        }
        r[i] = XMath.Sqrt(sum);
    }
}
