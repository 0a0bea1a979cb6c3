using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>FAB-T's logit difference in float64 (docs/attacks.md §9.3): q = f_t − f_y with g = ∂q/∂f by central
/// differences; one output q = −y·f; correct = [first argmax = y] (one output: y·f &gt; 0).</summary>
internal static class FabMarginReference
{
    public static double Margin(double[] f, int y, int t) => f.Length == 1 ? -(y == 1 ? 1 : -1) * f[0] : f[t] - f[y];

    public static (double[] G, double[] Margin, double[] Correct) Run(BatchShape s, double[] f, int[] ym, int[] target)
    {
        int C = s.Outputs;
        var g = new double[f.Length];
        var margin = new double[ym.Length];
        var correct = new double[ym.Length];
        for (int row = 0; row < ym.Length; row++)
        {
            var z = f[(row * C)..((row + 1) * C)];
            int y = ym[row], t = target[row];
            margin[row] = Margin(z, y, t);
            correct[row] = C == 1 ? ((y == 1 ? 1 : -1) * z[0] > 0 ? 1 : 0) : Array.IndexOf(z, z.Max()) == y ? 1 : 0;
            for (int c = 0; c < C; c++)
            {
                var (plus, minus) = ((double[])z.Clone(), (double[])z.Clone());
                plus[c] += 1e-3;
                minus[c] -= 1e-3;
                g[row * C + c] = (Margin(plus, y, t) - Margin(minus, y, t)) / 2e-3;
            }
        }
        return (g, margin, correct);
    }
}
