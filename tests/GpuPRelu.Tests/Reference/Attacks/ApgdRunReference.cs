using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>One APGD-CE run (or APGD-T's towards `target` ≥ 0, §9.2) on one point of a linear classifier f = A·x + b, in
/// float64, written from docs/attacks.md §2.2 line by line (no engine code): the iterates after every iteration, and
/// whether the point stayed robust.</summary>
internal static class ApgdRunReference
{
    public static (List<double[]> Iterates, bool Robust) Run(double[,] a, double[] bias, double[] x0, int y, double eps, int norm,
        int iterations, double[] start, int target = -1)
    {
        int D = x0.Length;
        double[] Project(double[] v) => ApgdStepReference.Project(new ApgdSpec(norm, 1, 0, 0, 0), eps, x0, v, new double[D]);
        var x = (double[])start.Clone();
        var (loss, g, ok) = target < 0 ? Evaluate(a, bias, x, y) : EvaluateTargeted(a, bias, x, y, target);
        bool robust = ok;
        var (xBest, gBest, lossBest) = ((double[])x.Clone(), (double[])g.Clone(), loss);
        double eta = 2 * eps, lossBestCk = loss, lossPrev = 0;
        bool reducedCk = true;
        int increases = 0, k = Math.Max((int)(0.22 * iterations), 1), kMin = Math.Max((int)(0.06 * iterations), 1);
        int dec = Math.Max((int)(0.03 * iterations), 1), counter = 0;
        var xPrev = (double[])x.Clone();
        var iterates = new List<double[]>();
        for (int i = 0; i < iterations && robust; i++)
        {
            var m = new double[D];
            for (int d = 0; d < D; d++)
                m[d] = x[d] - xPrev[d];
            xPrev = (double[])x.Clone();
            double w = i > 0 ? 0.75 : 1;
            double gn = Math.Sqrt(g.Sum(v => v * v));
            var z = new double[D];
            for (int d = 0; d < D; d++)
                z[d] = norm == 2 ? x[d] + eta * g[d] / (gn + 1e-12) : x[d] + eta * Math.Sign(g[d]);
            var s = Project(z);
            var v = new double[D];
            for (int d = 0; d < D; d++)
                v[d] = x[d] + w * (s[d] - x[d]) + (1 - w) * m[d];
            x = Project(v);
            (loss, g, ok) = target < 0 ? Evaluate(a, bias, x, y) : EvaluateTargeted(a, bias, x, y, target);
            robust &= ok;
            if (loss > lossBest)
                (xBest, gBest, lossBest) = ((double[])x.Clone(), (double[])g.Clone(), loss);
            increases += loss > lossPrev ? 1 : 0;
            lossPrev = loss;
            if (++counter == k)
            {
                bool halve = increases <= 0.75 * k || (!reducedCk && lossBestCk >= lossBest);
                reducedCk = halve;
                lossBestCk = lossBest;
                if (halve)
                {
                    eta /= 2;
                    (x, g) = ((double[])xBest.Clone(), (double[])gBest.Clone());
                }
                (increases, counter, k) = (0, 0, Math.Max(k - dec, kMin));
            }
            iterates.Add((double[])x.Clone());
        }
        return (iterates, robust);
    }

    /// <summary>Cross-entropy logsumexp(f) − f_y, its gradient Aᵀ(softmax(f) − e_y) and [first argmax = y].</summary>
    public static (double Loss, double[] G, bool Correct) Evaluate(double[,] a, double[] bias, double[] x, int y)
    {
        int C = bias.Length, D = x.Length;
        var f = new double[C];
        for (int c = 0; c < C; c++)
        {
            f[c] = bias[c];
            for (int d = 0; d < D; d++)
                f[c] += a[c, d] * x[d];
        }
        double max = f.Max(), sum = f.Sum(v => Math.Exp(v - max));
        var g = new double[D];
        for (int c = 0; c < C; c++)
        {
            double pc = Math.Exp(f[c] - max) / sum - (c == y ? 1 : 0);
            for (int d = 0; d < D; d++)
                g[d] += a[c, d] * pc;
        }
        return (max + Math.Log(sum) - f[y], g, Array.IndexOf(f, max) == y);
    }

    /// <summary>APGD-T's loss towards t (TargetedDlrLossReference), its gradient Aᵀ·∂L/∂f and [first argmax = y].</summary>
    public static (double Loss, double[] G, bool Correct) EvaluateTargeted(double[,] a, double[] bias, double[] x, int y, int t)
    {
        int C = bias.Length, D = x.Length;
        var f = new double[C];
        for (int c = 0; c < C; c++)
        {
            f[c] = bias[c];
            for (int d = 0; d < D; d++)
                f[c] += a[c, d] * x[d];
        }
        var (gf, loss, correct) = TargetedDlrLossReference.Run(new GpuPRelu.Kernels.BatchShape(1, 1, D, 1, C, 0, 0), f, [y], [t]);
        var g = new double[D];
        for (int c = 0; c < C; c++)
        {
            for (int d = 0; d < D; d++)
                g[d] += a[c, d] * gf[c];
        }
        return (loss[0], g, correct[0] == 1);
    }
}
