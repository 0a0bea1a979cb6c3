using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>δ = Σ_c V[j, c]·g[c]; gz = δ·∂a/∂z = δ·p·(z/(r·q))^(p−1) for z &gt; 0 else 0; t = δ·a (docs/design.md §1), float64.</summary>
internal static class HiddenBackwardReference
{
    public static (double[] Gz, double[] T) Run(BatchShape s, double[] theta, double[] p, double[] r, double[] q,
        double[] z, double[] a, double[] g)
    {
        int h = s.Hidden;
        var gz = new double[s.Networks * s.Samples * h]; // [B, M, H]
        var t = new double[gz.Length];                   // [B, M, H]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int bm = b * s.Samples + m;
                for (int j = 0; j < h; j++)
                {
                    double delta = 0;
                    for (int c = 0; c < s.Outputs; c++)
                        delta += theta[s.VOffset + (b * h + j) * s.Outputs + c] * g[bm * s.Outputs + c];
                    double zz = z[bm * h + j], scale = r[b * h + j] * (s.NormalizeInput != 0 ? q[bm] : 1.0);
                    gz[bm * h + j] = zz > 0 ? delta * p[b] * Math.Pow(zz / scale, p[b] - 1) : 0;
                    t[bm * h + j] = delta * a[bm * h + j];
                }
            }
        }
        return (gz, t);
    }
}
