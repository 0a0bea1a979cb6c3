using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Models;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Small random networks for the certification tests, with an independent float64 forward (docs/design.md §1)
/// (normalize_input included) and a float64 PGD on the worst margin: one network per p of NetworkCase.Powers, points labelled by the network itself
/// (so most are correct, some near the boundary).</summary>
internal sealed record CertifyCase(BatchShape Shape, float[] Theta, double[] P, DataSet[] Points)
{
    public static CertifyCase Create(int seed, int outputs, int inputs, int hidden, int n, bool normalize = false)
    {
        var rng = new System.Random(seed);
        var s = new BatchShape(NetworkCase.Powers.Length, 0, inputs, hidden, outputs, 1, normalize ? 1 : 0);
        var theta = NetworkCase.Normal(rng, s.ParameterCount, 0.7);
        var p = NetworkCase.Powers.Select(v => (double)v).ToArray();
        var sets = new DataSet[s.Networks];
        var probe = new CertifyCase(s, theta, p, []);
        for (int b = 0; b < s.Networks; b++)
        {
            var x = NetworkCase.Normal(rng, n * inputs, 1.0);
            var y = Enumerable.Range(0, n).Select(i => probe.Decision(b, [.. x.AsSpan(i * inputs, inputs).ToArray().Select(v => (double)v)])).ToArray();
            sets[b] = new DataSet(x, y, n, inputs, Math.Max(2, outputs));
        }
        return probe with { Points = sets };
    }

    /// <summary>The networks on `device` (network b: p = P[b], data set b, the case's `seed`), centers at 0.</summary>
    public NetworkBatch Network(ComputeDevice device, int seed) =>
        new(device, Shape, [.. P.Select((p, b) => new NetworkInfo(b, p, 0, seed, b))], Theta, new float[Shape.Networks * Shape.Inputs]);

    /// <summary>f(x) of network b in float64.</summary>
    public double[] Forward(int b, double[] x)
    {
        int D = Shape.Inputs, H = Shape.Hidden, C = Shape.Outputs;
        var f = Enumerable.Range(0, C).Select(c => (double)Theta[Shape.BiasOffset + b * C + c]).ToArray();
        // normalize_input: a_j also divided by ‖x‖^(p−1) (the center is 0)
        double q = Shape.NormalizeInput != 0 ? Math.Pow(Math.Sqrt(x.Sum(v => v * v)), P[b] - 1) : 1;
        for (int j = 0; j < H; j++)
        {
            double z = 0, r = 0;
            for (int d = 0; d < D; d++)
            {
                double w = Theta[(b * D + d) * H + j];
                z += w * x[d];
                r += w * w;
            }
            double a = z <= 0 ? 0 : Math.Pow(z, P[b]) / Math.Pow(Math.Sqrt(r), P[b] - 1) / q;
            for (int c = 0; c < C; c++)
                f[c] += Theta[Shape.VOffset + (b * H + j) * C + c] * a;
        }
        return f;
    }

    /// <summary>The class of x: one output sign (1 positive), else the argmax.</summary>
    public int Decision(int b, double[] x)
    {
        var f = Forward(b, x);
        return f.Length == 1 ? (f[0] > 0 ? 1 : 0) : Array.IndexOf(f, f.Max());
    }

    /// <summary>The worst margin of label y at x: one output ±f, else min over t ≠ y of f_y − f_t.</summary>
    public double Margin(int b, double[] x, int y)
    {
        var f = Forward(b, x);
        return f.Length == 1 ? (y == 1 ? f[0] : -f[0]) : Enumerable.Range(0, f.Length).Where(t => t != y).Min(t => f[y] - f[t]);
    }

    /// <summary>A direction of descent of the worst margin from x0 (l2: the normalized PGD offset after `steps` steps of
    /// central-difference gradients within radius r; l∞: its sign pattern), scaled to unit norm.</summary>
    public double[] AttackDirection(int b, double[] x0, int y, double r, bool linf, int steps = 40)
    {
        int D = x0.Length;
        var delta = new double[D];
        for (int k = 0; k < steps; k++)
        {
            var g = new double[D];
            for (int d = 0; d < D; d++)
            {
                var (plus, minus) = ((double[])x0.Clone(), (double[])x0.Clone());
                plus[d] += delta[d] + 1e-6;
                minus[d] += delta[d] - 1e-6;
                for (int e = 0; e < D; e++)
                {
                    if (e != d)
                        (plus[e], minus[e]) = (plus[e] + delta[e], minus[e] + delta[e]);
                }
                g[d] = (Margin(b, plus, y) - Margin(b, minus, y)) / 2e-6;
            }
            double gn = Math.Sqrt(g.Sum(v => v * v)) + 1e-300;
            for (int d = 0; d < D; d++)
                delta[d] = linf ? Math.Clamp(delta[d] - 0.1 * r * Math.Sign(g[d]), -r, r) : delta[d] - 0.1 * r * g[d] / gn;
            double n = Math.Sqrt(delta.Sum(v => v * v));
            if (!linf && n > r)
                delta = [.. delta.Select(v => v * r / n)];
        }
        double norm = linf ? delta.Max(Math.Abs) : Math.Sqrt(delta.Sum(v => v * v));
        return norm > 0 ? [.. delta.Select(v => v / norm)] : delta;
    }
}
