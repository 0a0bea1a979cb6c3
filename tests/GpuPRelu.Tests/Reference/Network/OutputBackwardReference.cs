using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>dV[b, j, c] = Σ_m a[b, m, j]·g[b, m, c]; db[b, c] = Σ_m g[b, m, c], 0 without bias (docs/design.md §1), float64.</summary>
internal static class OutputBackwardReference
{
    public static (double[] DV, double[] DBias) Run(BatchShape s, double[] a, double[] g) // a: [B, M, H]; g: [B, M, C]
    {
        var dV = new double[s.Networks * s.Hidden * s.Outputs]; // [B, H, C]
        var dBias = new double[s.Networks * s.Outputs];         // [B, C]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                for (int c = 0; c < s.Outputs; c++)
                {
                    double gc = g[(b * s.Samples + m) * s.Outputs + c];
                    if (s.HasBias != 0)
                        dBias[b * s.Outputs + c] += gc;
                    for (int j = 0; j < s.Hidden; j++)
                        dV[(b * s.Hidden + j) * s.Outputs + c] += a[(b * s.Samples + m) * s.Hidden + j] * gc;
                }
            }
        }
        return (dV, dBias);
    }
}
