using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>An APGD checkpoint in float64 (docs/attacks.md §2.2 e): halve when increases ≤ ρk or (not reduced last
/// time and no new best since); halving restarts the row from its best point and gradient.</summary>
internal static class ApgdCheckpointReference
{
    public static (double[] U, double[] Du, double[] State) Run(BatchShape s, double threshold, double[] u, double[] du, double[] uBest,
        double[] duBest, double[] state, int[] broken)
    {
        int D = s.Inputs, W = ApgdState.Width;
        var (nu, ndu, ns) = ((double[])u.Clone(), (double[])du.Clone(), (double[])state.Clone());
        for (int row = 0; row < s.Networks * s.Samples; row++)
        {
            if (broken[row] != 0)
                continue;
            double best = state[row * W + ApgdState.LossBest];
            bool halve = state[row * W + ApgdState.Increases] <= threshold
                || (state[row * W + ApgdState.Reduced] == 0 && state[row * W + ApgdState.LossBestCheckpoint] >= best);
            ns[row * W + ApgdState.Reduced] = halve ? 1 : 0;
            ns[row * W + ApgdState.LossBestCheckpoint] = best;
            ns[row * W + ApgdState.Increases] = 0;
            if (!halve)
                continue;
            ns[row * W + ApgdState.Eta] /= 2;
            for (int d = 0; d < D; d++)
            {
                nu[row * D + d] = uBest[row * D + d];
                ndu[row * D + d] = duBest[row * D + d];
            }
        }
        return (nu, ndu, ns);
    }
}
