using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>Square's acceptance in float64 (docs/attacks.md §9.4; AutoAttack's margin loss): a proposal replaces the
/// best point when it lowers the margin f_y − max_{j≠y} f_j (one output y·f) or is misclassified (then the row breaks).</summary>
internal static class SquareAcceptReference
{
    public static (double[] UBest, double[] Best, int[] Broken) Run(BatchShape s, bool start, double[] f, int[] ym, double[] u,
        double[] uBest, double[] best, int[] broken)
    {
        int C = s.Outputs, D = s.Inputs;
        var (xb, mb, br) = ((double[])uBest.Clone(), (double[])best.Clone(), (int[])broken.Clone());
        for (int i = 0; i < ym.Length; i++)
        {
            if (broken[i] != 0)
                continue;
            var z = f[(i * C)..((i + 1) * C)];
            double margin = C == 1 ? (ym[i] == 1 ? 1 : -1) * z[0] : z[ym[i]] - Enumerable.Range(0, C).Where(c => c != ym[i]).Max(c => z[c]);
            bool correct = C == 1 ? margin > 0 : Array.IndexOf(z, z.Max()) == ym[i];
            if (!start && margin >= best[i] && correct)
                continue;
            mb[i] = margin;
            Array.Copy(u, i * D, xb, i * D, D);
            br[i] = correct ? 0 : 1;
        }
        return (xb, mb, br);
    }
}
