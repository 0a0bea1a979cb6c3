using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;

namespace GpuPRelu.Tests.Reference.Certification;

/// <summary>The CROWN bound of every row in float64 (docs/certify.md §1): per margin (one output y·f, else f_y − f_t for
/// t ≠ y) the tangent of σ at z0_j where c_j &gt; 0 and the chord over [z0_j ∓ ε‖w_j‖_*] where c_j &lt; 0, A − ε‖g‖_*
/// with g = Σ_j c_j·λ_j·w_j; for p &gt; 1 the tangent points' Frank–Wolfe steps toward z_j(δ*) (docs/certify.md §2), the
/// best iteration per margin; min over the margins. normalize_input: c_j times q_hi^(1−p) or q_lo^(1−p).</summary>
internal static class CrownBoundReference
{
    public static double[] Run(BatchShape s, CrownSpec spec, double[] theta, double[] coef, double[] dual, double[] p, double[] z0,
        double[] u, int[] label, double[] radius)
    {
        int D = s.Inputs, H = s.Hidden, C = s.Outputs, n = spec.Points;
        var bound = new double[s.Networks * s.Samples]; // [B, M]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int i = b * s.Samples + m, point = b * n + m % n, y = label[point];
                double eps = radius[i], up = 1, down = 1;
                if (s.NormalizeInput != 0 && p[b] != 1)
                {
                    double q = 0, lo = 0, hi = 0;
                    for (int d = 0; d < D; d++)
                    {
                        double a = Math.Abs(u[point * D + d]);
                        q += a * a;
                        lo += Math.Pow(Math.Max(0, a - eps), 2);
                        hi += (a + eps) * (a + eps);
                    }
                    (lo, hi) = spec.Norm == 2 ? (Math.Max(0, Math.Sqrt(q) - eps), Math.Sqrt(q) + eps) : (Math.Sqrt(lo), Math.Sqrt(hi));
                    if (!(lo > 0))
                    {
                        // a_j / q^(p−1) is unbounded on the set
                        bound[i] = double.NegativeInfinity;
                        continue;
                    }
                    (up, down) = (Math.Pow(hi, 1 - p[b]), Math.Pow(lo, 1 - p[b]));
                }
                bound[i] = double.PositiveInfinity;
                for (int t = 0; t < C; t++)
                {
                    if (C > 1 && t == y)
                        continue;
                    double sign = y == 1 ? 1 : -1;
                    double bias = s.HasBias == 0 ? 0 : C == 1 ? sign * theta[s.BiasOffset + b] : theta[s.BiasOffset + b * C + y] - theta[s.BiasOffset + b * C + t];
                    var c = new double[H];
                    for (int j = 0; j < H; j++)
                        c[j] = C == 1 ? sign * coef[(b * H + j) * C] : coef[(b * H + j) * C + y] - coef[(b * H + j) * C + t];
                    var alpha = Enumerable.Range(0, H).Select(j => z0[point * H + j]).ToArray();
                    double margin = double.NegativeInfinity;
                    for (int it = 0; it < spec.Iterations; it++)
                    {
                        double A = bias;
                        var g = new double[D];
                        for (int j = 0; j < H; j++)
                        {
                            if (c[j] == 0)
                                continue;
                            double cj = c[j] * (c[j] > 0 ? up : down), z = z0[point * H + j], r = eps * dual[b * H + j];
                            var (lam, a) = Line(cj, z - r, z + r, alpha[j], p[b]);
                            A += cj * (a + lam * z);
                            for (int d = 0; d < D; d++)
                                g[d] += cj * lam * theta[(b * D + d) * H + j];
                        }
                        double norm = spec.Norm == 2 ? Math.Sqrt(g.Sum(v => v * v)) : g.Sum(Math.Abs);
                        margin = Math.Max(margin, A - eps * norm);
                        if (it == spec.Iterations - 1 || (spec.StopPositive != 0 && margin > 0) || p[b] == 1)
                            break;
                        // the worst-case δ of this bound: −ε·g/‖g‖₂ (l2), −ε·sign(g) (l∞); tangents move toward z_j(δ*)
                        var delta = g.Select(v => spec.Norm == 2 ? (norm > 0 ? -eps * v / norm : 0) : -eps * Math.Sign(v)).ToArray();
                        for (int j = 0; j < H; j++)
                        {
                            double z = z0[point * H + j], r = eps * dual[b * H + j], zStar = z;
                            if (c[j] <= 0 || z + r <= 0)
                                continue;
                            for (int d = 0; d < D; d++)
                                zStar += theta[(b * D + d) * H + j] * delta[d];
                            alpha[j] += 2.0 / (it + 2) * (Math.Clamp(zStar, z - r, z + r) - alpha[j]);
                        }
                    }
                    bound[i] = Math.Min(bound[i], margin);
                }
            }
        }
        return bound;
    }

    /// <summary>The line λz + a below σ (c &gt; 0: tangent at t clamped to [l, h]; p = 1: slope 1 where t &gt; 0, else 0) or
    /// above it on [l, h] (c &lt; 0: the chord); exact where the neuron is dead or (p = 1) linear on the interval.</summary>
    public static (double Lambda, double A) Line(double c, double l, double h, double t, double p)
    {
        double Sigma(double z) => z <= 0 ? 0 : Math.Pow(z, p);
        if (h <= 0)
            return (0, 0);
        if (p == 1 && l >= 0)
            return (1, 0);
        if (c > 0)
        {
            if (p == 1)
                return (t > 0 ? 1 : 0, 0);
            t = Math.Clamp(t, l, h);
            if (t <= 0)
                return (0, 0);
            double lam = p * Sigma(t) / t;
            return (lam, Sigma(t) - lam * t);
        }
        if (!(h > l))
            return (0, Sigma(h));
        double slope = (Sigma(h) - Sigma(l)) / (h - l);
        return (slope, Sigma(l) - slope * l);
    }
}
