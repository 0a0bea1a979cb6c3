using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>dW[b, d, j] = Σ_m u[m, d]·gz[m, j] + (1−p)/r_j²·(Σ_m t[m, j])·w[d, j] (docs/design.md §1: a ∝ r^(1−p), ∂r/∂w = w/r),
/// float64.</summary>
internal static class WeightBackwardReference
{
    public static double[] Run(BatchShape s, double[] u, double[] theta, double[] p, double[] r, double[] gz, double[] t)
    {
        int h = s.Hidden;
        var dW = new double[s.Networks * s.Inputs * h]; // [B, D, H]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int d = 0; d < s.Inputs; d++)
            {
                for (int j = 0; j < h; j++)
                {
                    double direct = 0, radial = 0;
                    for (int m = 0; m < s.Samples; m++)
                    {
                        int bm = b * s.Samples + m;
                        direct += u[bm * s.Inputs + d] * gz[bm * h + j];
                        radial += t[bm * h + j];
                    }
                    int i = (b * s.Inputs + d) * h + j;
                    double rj = r[b * h + j];
                    dW[i] = rj > 0 ? direct + (1 - p[b]) / (rj * rj) * radial * theta[i] : direct;
                }
            }
        }
        return dW;
    }
}
