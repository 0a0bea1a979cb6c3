using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>du[b, m, d] = Σ_j gz[m, j]·W[d, j] + with input normalization (1−p)/q²·(Σ_j t[m, j])·u[m, d] (docs/design.md §1:
/// a ∝ q^(1−p), ∂q/∂u = u/q), float64.</summary>
internal static class InputBackwardReference
{
    public static double[] Run(BatchShape s, double[] u, double[] theta, double[] p, double[] q, double[] gz, double[] t)
    {
        int h = s.Hidden;
        var du = new double[s.Networks * s.Samples * s.Inputs]; // [B, M, D]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int bm = b * s.Samples + m;
                double radial = 0;
                for (int j = 0; j < h; j++)
                    radial += t[bm * h + j];
                for (int d = 0; d < s.Inputs; d++)
                {
                    double direct = 0;
                    for (int j = 0; j < h; j++)
                        direct += gz[bm * h + j] * theta[(b * s.Inputs + d) * h + j];
                    double qm = q[bm];
                    du[bm * s.Inputs + d] = s.NormalizeInput != 0 && qm > 0
                        ? direct + (1 - p[b]) / (qm * qm) * radial * u[bm * s.Inputs + d]
                        : direct;
                }
            }
        }
        return du;
    }
}
