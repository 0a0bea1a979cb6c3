using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Analysis;

/// <summary>One normalized ascent step of (c·f − G)² on the unit sphere per row in float64 (docs/design.md §1, distance to an
/// ideal classifier): best ← max(best, |h|); x ← (x + η·d/‖d‖)/‖·‖ with d = h·(c·∇f − ∇G); u = x − center.</summary>
internal static class SphereAscentStepReference
{
    public static (double[] X, double[] U, double[] Best) Run(BatchShape s, double step, double[] x, double[] f, double[] g,
        double[] df, double[] dg, double[] scale, double[] center, double[] u, double[] best)
    {
        int D = s.Inputs;
        var xNext = (double[])x.Clone(); // [B, M, D]
        var uNext = (double[])u.Clone(); // [B, M, D]
        var bestNext = (double[])best.Clone(); // [B, M]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                double c = scale[b], h = c * f[row] - g[row];
                bestNext[row] = Math.Max(best[row], Math.Abs(h));
                if (step == 0)
                    continue;
                var dir = new double[D];
                double dNorm = 0, xNorm = 0;
                for (int d = 0; d < D; d++)
                {
                    dir[d] = h * (c * df[row * D + d] - dg[row * D + d]);
                    dNorm += dir[d] * dir[d];
                }
                if (dNorm == 0)
                    continue;
                dNorm = Math.Sqrt(dNorm);
                for (int d = 0; d < D; d++)
                {
                    xNext[row * D + d] = x[row * D + d] + step * dir[d] / dNorm;
                    xNorm += xNext[row * D + d] * xNext[row * D + d];
                }
                for (int d = 0; d < D; d++)
                {
                    xNext[row * D + d] /= Math.Sqrt(xNorm);
                    uNext[row * D + d] = xNext[row * D + d] - center[b * D + d];
                }
            }
        }
        return (xNext, uNext, bestNext);
    }
}
