namespace GpuPRelu.Certification;

/// <summary>The CROWN bound of one margin m(δ) = Σ_j c_j·σ(z_j(δ)) + b' of one point (docs/certify.md §1–3), σ = ReLU^p
/// convex and nondecreasing: a tangent (p = 1: a slope λ ∈ [0, 1] through 0) below σ where c_j &gt; 0, the chord over the
/// interval above it where c_j &lt; 0, so m ≥ A + ⟨g, δ⟩ on the set and min over it is A + min⟨g, δ⟩ in closed form.
/// Splits z_k ≥ t or ≤ t enter with multipliers β ≥ 0 (Lagrange: any β ≥ 0 is sound). The parameters ascend the bound:
/// tangent points move toward the pre-activations at the worst-case δ (a Frank–Wolfe step on the convex relaxation),
/// slopes and multipliers by Adam on the bound's gradient. Every evaluation is itself a sound bound in float64 minus a
/// rounding allowance; the best is kept.</summary>
internal sealed class MarginBound
{
    private readonly MarginNetwork _net;
    private readonly PointState _point;
    private readonly double[] _c; // [H] c_j of this margin
    private readonly double _bias;

    public MarginBound(MarginNetwork net, PointState point, double[] c, double bias)
    {
        (_net, _point, _c, _bias) = (net, point, c, bias);
    }

    /// <summary>Ascends the bound of domain d on the set for `iterations` steps (stopping once it is positive when
    /// `stopPositive`), keeping the best in d.</summary>
    public void Optimize(Domain d, PerturbationSet set, int iterations, bool stopPositive)
    {
        int D = _net.Inputs, H = _net.Hidden, K = d.Splits.Count;
        if (d.Empty)
        {
            d.Offer(double.PositiveInfinity, d.Alpha, d.Beta);
            return;
        }
        var alpha = (double[])d.Alpha.Clone();
        var beta = (double[])d.Beta.Clone();
        var g = new double[D];
        var delta = new double[D];
        var zStar = new double[H];
        var (mA, vA) = (new double[H], new double[H]);
        var (mB, vB) = (new double[K], new double[K]);
        double p = _net.P;
        for (int it = 0; it < iterations; it++)
        {
            Array.Clear(g);
            double A = _bias, S = Math.Abs(_bias);
            for (int j = 0; j < H; j++)
            {
                double c = _c[j];
                if (c == 0)
                    continue;
                var (lam, a) = Line(c, d.Lo[j], d.Hi[j], alpha[j]);
                if (lam == 0 && a == 0)
                    continue;
                A += c * (a + lam * _point.Z0[j]);
                S += Math.Abs(c) * (Math.Abs(a) + Math.Abs(lam) * (_point.AbsDot[j] + set.Eps * _net.Dual[j]));
                if (lam != 0)
                    Axpy(c * lam, _net.W.AsSpan(j * D, D), g);
            }
            // the splits' Lagrange terms: −β·s·(z_k(δ) − t)
            for (int k = 0; k < K; k++)
            {
                var (n, side, at) = d.Splits[k];
                if (beta[k] == 0)
                    continue;
                A -= beta[k] * side * (_point.Z0[n] - at);
                S += beta[k] * (_point.AbsDot[n] + Math.Abs(at) + set.Eps * _net.Dual[n]);
                Axpy(-beta[k] * side, _net.W.AsSpan(n * D, D), g);
            }
            double bound = A + set.MinLinear(g, delta);
            bound -= PerturbationSet.Rounding(D + H + K + 32) * (S + Math.Abs(bound));
            d.Offer(bound, alpha, beta);
            if ((stopPositive && d.Bound > 0) || it == iterations - 1)
                break;
            // pre-activations at the worst-case δ: the gradient of the bound in each parameter
            for (int j = 0; j < H; j++)
                zStar[j] = _c[j] == 0 && K == 0 ? 0 : _point.Z0[j] + Dot(_net.W.AsSpan(j * D, D), delta);
            double step = 2.0 / (it + 2), lr = 0.25 / (1 + it / 8.0);
            for (int j = 0; j < H; j++)
            {
                double c = _c[j], l = d.Lo[j], u = d.Hi[j];
                if (c <= 0 || u <= 0)
                    continue;
                if (p != 1)
                    alpha[j] += step * (Math.Clamp(zStar[j], l, u) - alpha[j]);
                else if (l < 0)
                    alpha[j] = Math.Clamp(alpha[j] + Adam(ref mA[j], ref vA[j], c * zStar[j], it, lr), 0, 1);
            }
            for (int k = 0; k < K; k++)
            {
                var (n, side, at) = d.Splits[k];
                double scale = Math.Abs(_c[n]) * (p == 1 ? 1 : p * Math.Pow(Math.Max(Math.Abs(d.Lo[n]), Math.Abs(d.Hi[n])), p - 1)) + 1e-12;
                beta[k] = Math.Max(0, beta[k] + Adam(ref mB[k], ref vB[k], -side * (zStar[n] - at), it, lr * scale));
            }
        }
    }

    /// <summary>The split that should tighten domain d most (−1: none left): p = 1, the unstable neuron with the largest
    /// |c_j|·u·(−l)/(u − l) (the relaxation's gap), split at 0; p &gt; 1, the neuron with c_j &lt; 0 whose chord lies
    /// farthest above σ (times |c_j|), split at 0 when its interval holds 0, else at the middle.</summary>
    public (int Neuron, double At) Branch(Domain d)
    {
        int best = -1;
        double bestScore = 0, at = 0;
        for (int j = 0; j < _net.Hidden; j++)
        {
            double c = _c[j], l = d.Lo[j], u = d.Hi[j];
            if (c == 0 || u <= 0 || l >= u)
                continue;
            double score;
            if (_net.P == 1)
                score = l < 0 ? Math.Abs(c) * u * -l / (u - l) : 0;
            else
                score = c < 0 ? Math.Abs(c) * ChordGap(l, u) : 0;
            if (score > bestScore)
                (best, bestScore, at) = (j, score, l < 0 ? 0 : 0.5 * (l + u));
        }
        return (best, at);
    }

    // the line λz + a: below σ (a tangent, p = 1 a slope through 0) for c > 0, the chord above σ on [l, u] for c < 0
    private (double Lambda, double A) Line(double c, double l, double u, double alpha)
    {
        double p = _net.P;
        if (u <= 0)
            return (0, 0);
        if (p == 1 && l >= 0)
            return (1, 0);
        if (c > 0)
        {
            if (p == 1)
                return (Math.Clamp(alpha, 0, 1), 0);
            double t = Math.Clamp(alpha, l, u);
            if (t <= 0)
                return (0, 0);
            double st = _net.Sigma(t), lam = p * st / t;
            return (lam, st - lam * t);
        }
        double sl = _net.Sigma(l), su = _net.Sigma(u);
        if (!(u > l))
            return (0, su);
        double slope = (su - sl) / (u - l);
        return (slope, sl - slope * l);
    }

    // max over [l, u] of chord − σ: at 0 when l < 0, and where σ' equals the chord's slope
    private double ChordGap(double l, double u)
    {
        double p = _net.P, sl = _net.Sigma(l), su = _net.Sigma(u), slope = (su - sl) / (u - l);
        double Gap(double z) => sl + slope * (z - l) - _net.Sigma(z);
        double touch = Math.Clamp(Math.Pow(slope / p, 1 / (p - 1)), Math.Max(l, 0), u);
        return Math.Max(l < 0 ? Gap(0) : 0, Gap(touch));
    }

    private static double Adam(ref double m, ref double v, double grad, int it, double lr)
    {
        m = 0.9 * m + 0.1 * grad;
        v = 0.999 * v + 0.001 * grad * grad;
        double mHat = m / (1 - Math.Pow(0.9, it + 1)), vHat = v / (1 - Math.Pow(0.999, it + 1));
        return lr * mHat / (Math.Sqrt(vHat) + 1e-300);
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int d = 0; d < x.Length; d++)
            y[d] += a * x[d];
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int d = 0; d < x.Length; d++)
            s += x[d] * y[d];
        return s;
    }
}
