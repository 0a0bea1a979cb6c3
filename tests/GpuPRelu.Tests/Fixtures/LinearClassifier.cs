using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Models;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Linear classifiers f = A·x + b written as pReLU networks, with points of known exact margins: the attacks'
/// ground truth.</summary>
internal static class LinearClassifier
{
    /// <summary>f = A·x + b as a pReLU network: neurons ±e_d with p = 1 (ReLU(x_d) − ReLU(−x_d) = x_d), output weights ±A.</summary>
    public static NetworkBatch Network(ComputeDevice device, double[,] a, double[] bias)
    {
        int C = a.GetLength(0), D = a.GetLength(1), H = 2 * D;
        var shape = new BatchShape(1, 0, D, H, C, 1, 0);
        var theta = new float[shape.ParameterCount];
        for (int d = 0; d < D; d++)
        {
            theta[d * H + 2 * d] = 1f;
            theta[d * H + 2 * d + 1] = -1f;
            for (int c = 0; c < C; c++)
            {
                theta[shape.VOffset + 2 * d * C + c] = (float)a[c, d];
                theta[shape.VOffset + (2 * d + 1) * C + c] = (float)-a[c, d];
            }
        }
        for (int c = 0; c < C; c++)
            theta[shape.BiasOffset + c] = (float)bias[c];
        return new NetworkBatch(device, shape, [new NetworkInfo(0, 1, 0, 0, 0)], theta, new float[D]);
    }

    /// <summary>A random linear classifier (C classes on D inputs) and n points it classifies with a logit gap ≥ 0.3, with
    /// each point's exact margin min over c ≠ y of (f_y − f_c)/‖a_y − a_c‖ in the dual norm (l1 for l∞ = 0, l2 for l2 = 2).</summary>
    public static (double[,] A, float[] X, int[] Y, double[] Margin) Case(System.Random rng, int norm, int D, int C, int n)
    {
        var a = new double[C, D];
        for (int c = 0; c < C; c++)
        {
            for (int d = 0; d < D; d++)
                a[c, d] = rng.NextDouble() * 2 - 1;
        }
        var x = new float[n * D];
        var y = new int[n];
        var margin = new double[n];
        for (int i = 0; i < n; i++)
        {
            double[] f;
            do
            {
                for (int d = 0; d < D; d++)
                    x[i * D + d] = (float)(rng.NextDouble() * 2 - 1);
                f = [.. Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * x[i * D + d]))];
                y[i] = Array.IndexOf(f, f.Max());
            }
            while (f.OrderDescending().Skip(1).First() > f.Max() - 0.3);
            margin[i] = Enumerable.Range(0, C).Where(c => c != y[i]).Min(c =>
            {
                var diff = Enumerable.Range(0, D).Select(d => a[y[i], d] - a[c, d]).ToArray();
                return (f[y[i]] - f[c]) / (norm == 2 ? Math.Sqrt(diff.Sum(v => v * v)) : diff.Sum(Math.Abs));
            });
        }
        return (a, x, y, margin);
    }
}
