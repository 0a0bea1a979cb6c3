using GpuPRelu.Models;

namespace GpuPRelu.Attacks;

/// <summary>The minimal l2 perturbation that changes the sign of F or F^(p) at a point (0 when it is already wrong), in
/// float64. Only the coordinates s_k = ⟨μ_k, x⟩ matter (orthonormal centers; the orthogonal part is untouched by an
/// optimal perturbation).
/// F: with s = ⟨μ̄₊, x⟩, t = ⟨μ̄₋, x⟩, a = √K1, b = √K2 (μ̄₊ ⊥ μ̄₋), {F ≤ 0} is the union of the half-planes {s ≤ 0} and
/// {b·t − a·s ≥ 0}, so the radius of a positive point is exactly min(s, (a·s − b·t)/√(a² + b²)) (negative: symmetric).
/// F^(p): bracketed. Lower (certified): for a positive point, with P = ‖s₊⁺‖_p, N = ‖s₋⁺‖_p and a split ρ² + σ² = r² of
/// the budget, Minkowski gives F^(p)(x + δ) ≥ (P − c₊ρ)₊^p − (N + c₋σ)^p with c = max(1, n^(1/p − 1/2)) (‖δ‖_p ≤ c‖δ‖₂
/// on n coordinates); the worst split (Cauchy–Schwarz) leaves the sign unchanged for r &lt; (P − N)/√(c₊² + c₋²).
/// Upper (attained): the best attack that lowers one own-class coordinate to t and raises one other-class coordinate
/// just enough, minimized over t by a grid and golden-section refinement of a continuous 1-D cost, over all pairs.
/// For p ≥ 2 and points near one center the two coincide to a few 1e-3; FpExact gives the exact value for p ≥ 2.</summary>
public static class RobustRadius
{
    /// <summary>Exact radius of F at x (label 1 positive, 0 negative).</summary>
    public static double F(ReadOnlySpan<float> x, double[] centers, int subclasses, int positive, int label)
    {
        int D = x.Length;
        double s = 0, t = 0;
        for (int d = 0; d < D; d++)
        {
            s += IdealClassifier.Average(centers, D, subclasses, positive, true, d) * x[d];
            t += IdealClassifier.Average(centers, D, subclasses, positive, false, d) * x[d];
        }
        double a = Math.Sqrt(positive), b = Math.Sqrt(subclasses - positive);
        if (label != 1)
            (s, t, a, b) = (t, s, b, a);
        double f = a * Math.Max(s, 0) - b * Math.Max(t, 0);
        return f <= 0 ? 0 : Math.Max(0, Math.Min(s, (a * s - b * t) / Math.Sqrt(a * a + b * b)));
    }

    /// <summary>(lower, upper) bracket of the radius of F^(p) at x; both 0 when x is misclassified.</summary>
    public static (double Lower, double Upper) Fp(ReadOnlySpan<float> x, double[] centers, int subclasses, int positive, double p,
        int label)
    {
        var (own, other) = Split(x, centers, subclasses, positive, label);
        double P = Norm(own, p), N = Norm(other, p);
        if (Math.Pow(P, p) - Math.Pow(N, p) <= 0)
            return (0, 0);
        double cOwn = Math.Max(1, Math.Pow(own.Length, 1 / p - 0.5)), cOther = Math.Max(1, Math.Pow(other.Length, 1 / p - 0.5));
        double lower = (P - N) / Math.Sqrt(cOwn * cOwn + cOther * cOther);
        double upper = double.PositiveInfinity;
        for (int i = 0; i < own.Length; i++)
        {
            if (own[i] <= 0)
                continue;
            for (int j = 0; j < other.Length; j++)
                upper = Math.Min(upper, PairAttack(own, other, i, j, p));
        }
        return (Math.Min(lower, upper), upper);
    }

    /// <summary>Exact radius of F^(p) at x for p ≥ 2 (0 when x is misclassified): the KKT search of FpRadius, whose
    /// comment proves that its candidate set contains the minimizer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">p &lt; 2 (the search relies on h_μ' being non-increasing).</exception>
    public static double FpExact(ReadOnlySpan<float> x, double[] centers, int subclasses, int positive, double p, int label)
    {
        if (!(p >= 2) || double.IsInfinity(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "the exact radius of F^(p) needs p ≥ 2; for 1 ≤ p < 2 use the bracket Fp");
        var (own, other) = Split(x, centers, subclasses, positive, label);
        return FpRadius.Solve(own, other, p);
    }

    /// <summary>The radius of F (kind F) or F^(p) at every point of `points` (in parallel): exact for F and for p ≥ 2
    /// (Lower = Upper), the certified bracket for 1 ≤ p &lt; 2 (Exact false).</summary>
    public static (double[] Lower, double[] Upper, bool Exact) OfPoints(IdealKind kind, double p, Data.DataSet points,
        double[] centers, int subclasses, int positive)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.Samples, D = points.Inputs;
        var lower = new double[n];
        var upper = new double[n];
        bool exact = kind == IdealKind.F || p >= 2;
        Parallel.For(0, n, i =>
        {
            var x = points.X.AsSpan(i * D, D);
            int label = points.Y[i];
            if (kind == IdealKind.F)
                lower[i] = upper[i] = F(x, centers, subclasses, positive, label);
            else if (exact)
                lower[i] = upper[i] = FpExact(x, centers, subclasses, positive, p, label);
            else
                (lower[i], upper[i]) = Fp(x, centers, subclasses, positive, p, label);
        });
        return (lower, upper, exact);
    }

    /// <summary>Robust accuracy at each radius from per-point radii: the fraction of points with radius > r (a point on
    /// the decision boundary counts as misclassified).</summary>
    public static double[] Accuracy(IReadOnlyList<double> radii, double[] pointRadii)
    {
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(pointRadii);
        return [.. radii.Select(r => pointRadii.Count(x => x > r) / (double)pointRadii.Length)];
    }

    // s_k = ⟨μ_k, x⟩, own class first
    private static (double[] Own, double[] Other) Split(ReadOnlySpan<float> x, double[] centers, int subclasses, int positive, int label)
    {
        int D = x.Length, K = subclasses;
        var s = new double[K];
        for (int k = 0; k < K; k++)
        {
            for (int d = 0; d < D; d++)
                s[k] += centers[k * D + d] * x[d];
        }
        return label == 1 ? (s[..positive], s[positive..]) : (s[positive..], s[..positive]);
    }

    private static double Norm(double[] v, double p) => Math.Pow(v.Sum(x => Math.Pow(Math.Max(x, 0), p)), 1 / p);

    /// <summary>min over t ∈ [0, own_i] of (own_i − t)² + (u(t) − other_j)², u(t) the smallest value of other_j that
    /// cancels the own-class sum with own_i lowered to t.</summary>
    private static double PairAttack(double[] own, double[] other, int i, int j, double p)
    {
        double h(double v) => Math.Pow(Math.Max(v, 0), p);
        double ownRest = own.Select(h).Sum() - h(own[i]), otherRest = other.Select(h).Sum() - h(other[j]);
        double Cost(double t)
        {
            double need = ownRest + h(t) - otherRest;
            double u = need > 0 ? Math.Max(other[j], Math.Pow(need, 1 / p)) : other[j];
            return (own[i] - t) * (own[i] - t) + (u - other[j]) * (u - other[j]);
        }
        const int grid = 400;
        int best = 0;
        for (int g = 1; g <= grid; g++)
            best = Cost(own[i] * g / grid) < Cost(own[i] * best / grid) ? g : best;
        // golden-section refinement on the bracket around the best grid point (the cost is continuous in t)
        double lo = own[i] * Math.Max(0, best - 1) / grid, hi = own[i] * Math.Min(grid, best + 1) / grid;
        double phi = (Math.Sqrt(5) - 1) / 2;
        for (int iter = 0; iter < 60; iter++)
        {
            double m1 = hi - phi * (hi - lo), m2 = lo + phi * (hi - lo);
            if (Cost(m1) <= Cost(m2))
                hi = m2;
            else
                lo = m1;
        }
        return Math.Sqrt(Math.Min(Cost((lo + hi) / 2), Cost(own[i] * best / grid)));
    }
}
