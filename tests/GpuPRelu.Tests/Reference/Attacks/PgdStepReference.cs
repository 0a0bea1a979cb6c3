using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>One PGD step per row in float64 (docs/attacks.md §1): δ + η·g/(‖g‖₂ + guard) (l2) or δ + η·sign(g) (l∞), projection
/// onto the row's ball, clipping of x = u + center into the box; broken rows unchanged.</summary>
internal static class PgdStepReference
{
    public static double[] Run(BatchShape s, PgdSpec spec, double[] u0, double[] u, double[] du, double[] radius, double[] center,
        int[] broken)
    {
        int D = s.Inputs;
        var next = (double[])u.Clone(); // [B, M, D]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                if (broken[row] != 0)
                    continue;
                double eps = radius[m], gNorm = 0, dNorm = 0;
                for (int d = 0; d < D; d++)
                    gNorm += du[row * D + d] * du[row * D + d];
                gNorm = Math.Sqrt(gNorm) + spec.Guard;
                var delta = new double[D];
                for (int d = 0; d < D; d++)
                {
                    double g = du[row * D + d];
                    delta[d] = u[row * D + d] - u0[row * D + d] + (spec.Norm == 2 ? spec.Step * g / gNorm : spec.Step * Math.Sign(g));
                    dNorm += delta[d] * delta[d];
                }
                for (int d = 0; d < D; d++)
                {
                    double x = spec.Norm == 2
                        ? delta[d] * Math.Min(1, eps / Math.Sqrt(dNorm))
                        : Math.Clamp(delta[d], -eps, eps);
                    if (spec.HasBox != 0)
                        x = Math.Clamp(u0[row * D + d] + center[b * D + d] + x, spec.Lo, spec.Hi) - u0[row * D + d] - center[b * D + d];
                    next[row * D + d] = u0[row * D + d] + x;
                }
            }
        }
        return next;
    }
}
