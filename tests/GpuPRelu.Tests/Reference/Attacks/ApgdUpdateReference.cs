using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>APGD bookkeeping after an evaluation, in float64 (docs/attacks.md §2.2 steps 2, c, d, e): misclassified
/// rows become broken; at the start η = etaScale·ε, topk 0.2, previous sparsity D, best = checkpoint best = L, previous 0, no increases, reduced = 1, u_best =
/// u_prev = u, g_best = g; later the best moves on L &gt; L_best and [L &gt; L_prev] is counted.</summary>
internal static class ApgdUpdateReference
{
    public sealed record Result(double[] UPrev, double[] UBest, double[] DuBest, double[] State, int[] Broken);

    public static Result Run(BatchShape s, bool start, double etaScale, double[] loss, double[] correct, double[] u, double[] du, double[] uPrev,
        double[] uBest, double[] duBest, double[] state, double[] radius, int[] broken)
    {
        int D = s.Inputs, W = ApgdState.Width;
        var r = new Result((double[])uPrev.Clone(), (double[])uBest.Clone(), (double[])duBest.Clone(), (double[])state.Clone(),
            (int[])broken.Clone());
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                if (broken[row] != 0)
                    continue;
                if (correct[row] == 0)
                {
                    r.Broken[row] = 1;
                    continue;
                }
                double l = loss[row];
                bool copy = start || l > state[row * W + ApgdState.LossBest];
                if (start)
                {
                    r.State[row * W + ApgdState.Eta] = etaScale * radius[m];
                    r.State[row * W + ApgdState.TopK] = 0.2;
                    r.State[row * W + ApgdState.SparsityOld] = D;
                    r.State[row * W + ApgdState.LossBestCheckpoint] = l;
                    r.State[row * W + ApgdState.LossPrev] = 0;
                    r.State[row * W + ApgdState.Increases] = 0;
                    r.State[row * W + ApgdState.Reduced] = 1;
                }
                else
                {
                    r.State[row * W + ApgdState.Increases] += l > state[row * W + ApgdState.LossPrev] ? 1 : 0;
                    r.State[row * W + ApgdState.LossPrev] = l;
                }
                if (copy)
                    r.State[row * W + ApgdState.LossBest] = l;
                for (int d = 0; d < D && copy; d++)
                {
                    r.UBest[row * D + d] = u[row * D + d];
                    r.DuBest[row * D + d] = du[row * D + d];
                    if (start)
                        r.UPrev[row * D + d] = u[row * D + d];
                }
            }
        }
        return r;
    }
}
