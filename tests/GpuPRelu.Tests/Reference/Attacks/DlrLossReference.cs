using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>DLR in float64 (docs/attacks.md §0): L = −(f_y − f_j*)/(f_π1 − f_π3 + 1e-12), ranks by a stable descending
/// sort (ties to the first index), j* = π2 if π1 = y else π1; g = ∂L/∂f with the ranks held fixed.</summary>
internal static class DlrLossReference
{
    public static double Loss(double[] f, int y)
    {
        var order = Enumerable.Range(0, f.Length).OrderByDescending(c => f[c]).ToArray(); // stable: ties keep index order
        int j = order[0] == y ? order[1] : order[0];
        return -(f[y] - f[j]) / (f[order[0]] - f[order[2]] + 1e-12);
    }

    public static (double[] G, double[] Loss, double[] Correct) Run(BatchShape s, double[] f, int[] ym)
    {
        int C = s.Outputs;
        var g = new double[f.Length];        // [B, M, C]
        var loss = new double[ym.Length];    // [B, M]
        var correct = new double[ym.Length]; // [B, M]
        for (int row = 0; row < ym.Length; row++)
        {
            var z = f[(row * C)..((row + 1) * C)];
            int y = ym[row];
            var order = Enumerable.Range(0, C).OrderByDescending(c => z[c]).ToArray();
            loss[row] = Loss(z, y);
            correct[row] = order[0] == y ? 1 : 0;
            // central differences of Loss with the ranking fixed: the logits are well separated in the tests
            for (int c = 0; c < C; c++)
            {
                const double h = 1e-6;
                var plus = (double[])z.Clone();
                var minus = (double[])z.Clone();
                plus[c] += h;
                minus[c] -= h;
                g[row * C + c] = (Loss(plus, y) - Loss(minus, y)) / (2 * h);
            }
        }
        return (g, loss, correct);
    }
}
