using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>z = ⟨w_j, u⟩, a = ReLU(z)^p / (r_j·q)^(p−1), q = ‖u‖ with input normalization else 1 (docs/design.md §1), float64.</summary>
internal static class PReluForwardReference
{
    public static (double[] Z, double[] A) Run(BatchShape s, double[] u, double[] theta, double[] p, double[] r, double[] q)
    {
        int h = s.Hidden;
        var z = new double[s.Networks * s.Samples * h]; // [B, M, H]
        var a = new double[z.Length];                   // [B, M, H]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int bm = b * s.Samples + m;
                for (int j = 0; j < h; j++)
                {
                    double zz = 0;
                    for (int d = 0; d < s.Inputs; d++)
                        zz += u[bm * s.Inputs + d] * theta[(b * s.Inputs + d) * h + j];
                    double scale = r[b * h + j] * (s.NormalizeInput != 0 ? q[bm] : 1.0);
                    z[bm * h + j] = zz;
                    a[bm * h + j] = zz > 0 ? Math.Pow(zz, p[b]) / Math.Pow(scale, p[b] - 1) : 0;
                }
            }
        }
        return (z, a);
    }
}
