using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>APGD-T's loss in float64 (docs/attacks.md §9.2, §9.5): C ≥ 4 L = −(f_y − f_t)/(f_π1 − (f_π3 + f_π4)/2 +
/// 1e-12), C = 3 the same with f_π3 for the mean, C = 2 f_t − f_y, one output −y·f; ranks by a stable descending sort;
/// g = ∂L/∂f by central differences with the ranks held fixed; correct = [π1 = y] (one output: y·f &gt; 0).</summary>
internal static class TargetedDlrLossReference
{
    public static double Loss(double[] f, int y, int t)
    {
        if (f.Length == 1)
            return -(y == 1 ? 1 : -1) * f[0];
        if (f.Length == 2)
            return f[t] - f[y];
        var order = Enumerable.Range(0, f.Length).OrderByDescending(c => f[c]).ToArray(); // stable: ties keep index order
        double low = f.Length >= 4 ? (f[order[2]] + f[order[3]]) / 2 : f[order[2]];
        return -(f[y] - f[t]) / (f[order[0]] - low + 1e-12);
    }

    public static (double[] G, double[] Loss, double[] Correct) Run(BatchShape s, double[] f, int[] ym, int[] target)
    {
        int C = s.Outputs;
        var g = new double[f.Length];        // [B, M, C]
        var loss = new double[ym.Length];    // [B, M]
        var correct = new double[ym.Length]; // [B, M]
        for (int row = 0; row < ym.Length; row++)
        {
            var z = f[(row * C)..((row + 1) * C)];
            int y = ym[row], t = target[row];
            loss[row] = Loss(z, y, t);
            correct[row] = C == 1
                ? ((y == 1 ? 1 : -1) * z[0] > 0 ? 1 : 0)
                : (Enumerable.Range(0, C).OrderByDescending(c => z[c]).First() == y ? 1 : 0);
            // the logits are well separated in the tests, so a step of h keeps the ranking
            for (int c = 0; c < C; c++)
            {
                const double h = 1e-6;
                var plus = (double[])z.Clone();
                var minus = (double[])z.Clone();
                plus[c] += h;
                minus[c] -= h;
                g[row * C + c] = (Loss(plus, y, t) - Loss(minus, y, t)) / (2 * h);
            }
        }
        return (g, loss, correct);
    }
}
