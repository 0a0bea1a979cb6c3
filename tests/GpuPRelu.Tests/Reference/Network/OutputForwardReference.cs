using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>f[b, m, c] = Σ_j a[b, m, j]·V[b, j, c] + bias[b, c] (docs/design.md §1), float64.</summary>
internal static class OutputForwardReference
{
    public static double[] Run(BatchShape s, double[] a, double[] theta) // a: [B, M, H]; theta: V at VOffset [B, H, C]
    {
        var f = new double[s.Networks * s.Samples * s.Outputs]; // [B, M, C]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                for (int c = 0; c < s.Outputs; c++)
                {
                    double sum = s.HasBias != 0 ? theta[s.BiasOffset + b * s.Outputs + c] : 0;
                    for (int j = 0; j < s.Hidden; j++)
                        sum += a[(b * s.Samples + m) * s.Hidden + j] * theta[s.VOffset + (b * s.Hidden + j) * s.Outputs + c];
                    f[(b * s.Samples + m) * s.Outputs + c] = sum;
                }
            }
        }
        return f;
    }
}
