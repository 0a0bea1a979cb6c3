using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>FAB's bookkeeping after a step in float64 (docs/attacks.md §9.3, AutoAttack's FABAttack): where an active row
/// is misclassified, its norm ‖u − u0‖ replaces the best when strictly smaller (with u as the best point) and u steps back
/// to u0 + β·(u − u0).</summary>
internal static class FabAcceptReference
{
    public static double Norm(int norm, IEnumerable<double> delta) => norm switch
    {
        0 => delta.Max(Math.Abs),
        1 => delta.Sum(Math.Abs),
        _ => Math.Sqrt(delta.Sum(v => v * v)),
    };

    public static (double[] U, double[] UBest, double[] Best) Run(BatchShape s, int norm, double beta, double[] correct, double[] u0,
        double[] u, double[] uBest, double[] best, int[] active)
    {
        int D = s.Inputs;
        var (x, xb, nb) = ((double[])u.Clone(), (double[])uBest.Clone(), (double[])best.Clone());
        for (int i = 0; i < active.Length; i++)
        {
            if (active[i] == 0 || correct[i] != 0)
                continue;
            double n = Norm(norm, Enumerable.Range(0, D).Select(d => u[i * D + d] - u0[i * D + d]));
            if (n < best[i])
            {
                nb[i] = n;
                Array.Copy(u, i * D, xb, i * D, D);
            }
            for (int d = 0; d < D; d++)
                x[i * D + d] = u0[i * D + d] + beta * (u[i * D + d] - u0[i * D + d]);
        }
        return (x, xb, nb);
    }
}
