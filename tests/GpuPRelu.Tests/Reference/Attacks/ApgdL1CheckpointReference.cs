using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>The l1 APGD checkpoint in float64 (docs/attacks.md §3): sparsity of the best point, step size and topk
/// adaptation, restart from the best point when the sparsity shrank below 95% of the last checkpoint's.</summary>
internal static class ApgdL1CheckpointReference
{
    public static (double[] U, double[] Du, double[] State) Run(BatchShape s, double[] u0, double[] u, double[] du, double[] uBest,
        double[] duBest, double[] state, double[] radius, int[] broken)
    {
        int D = s.Inputs, W = ApgdState.Width;
        var (nu, ndu, ns) = ((double[])u.Clone(), (double[])du.Clone(), (double[])state.Clone());
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                if (broken[row] != 0)
                    continue;
                double eps = radius[m];
                int sp = Enumerable.Range(0, D).Count(d => uBest[row * D + d] != u0[row * D + d]);
                double old = state[row * W + ApgdState.SparsityOld];
                bool shrunk = old > 0 && sp / old < 0.95;
                ns[row * W + ApgdState.TopK] = sp / (double)D / 1.5;
                ns[row * W + ApgdState.Eta] = Math.Clamp(shrunk ? eps : state[row * W + ApgdState.Eta] / 1.5, eps / 10, eps);
                ns[row * W + ApgdState.SparsityOld] = sp;
                for (int d = 0; d < D && shrunk; d++)
                {
                    nu[row * D + d] = uBest[row * D + d];
                    ndu[row * D + d] = duBest[row * D + d];
                }
            }
        }
        return (nu, ndu, ns);
    }
}
