namespace GpuPRelu.Attacks;

/// <summary>The exact minimal l2 radius of F^(p), p ≥ 2, in the coordinates s_k = ⟨μ_k, x⟩ (float64).
///
/// Why the search is exact. Write o for the point's own-class coordinates and q for the others, and
/// G(t) = Σ_o ReLU(t_k)^p − Σ_q ReLU(t_k)^p, so the point is correct iff G(s) &gt; 0 and the radius is
/// min ‖t − s‖ over {G ≤ 0} (the orthogonal part of x is never worth moving). A minimizer t* exists (closed set,
/// coercive objective) and, since G(s) &gt; 0, lies on {G = 0}.
/// (a) If ∇G(t*) = 0, every coordinate of t* is ≤ 0; then "clip" — own coordinates lowered to min(s_k, 0), the others
///     kept — is feasible and no farther, so it is a candidate.
/// (b) Else KKT holds: t − s = −μ∇G(t), μ &gt; 0. Coordinatewise: own t + μp·ReLU(t)^(p−1) = s (one root, the left side
///     increases in t); other t − μp·ReLU(t)^(p−1) = s, i.e. h_μ(t) = s with h_μ(t) = t − μp·t^(p−1) for t &gt; 0 (or t = s
///     unmoved when s ≤ 0). For p ≥ 2, h_μ' = 1 − μp(p−1)t^(p−2) is non-increasing, so h_μ = s has at most one root
///     where h_μ' &gt; 0 ("rising") and one where h_μ' &lt; 0 ("falling").
/// (c) Second order: the Hessian of the Lagrangian, 2I + 2μ∇²G, is diagonal and must be PSD on the hyperplane ∇G^⊥;
///     a diagonal matrix that is PSD on a hyperplane has at most one negative entry, and the other-coordinate entry
///     2(1 − μp(p−1)t^(p−2)) is negative exactly on the falling root. So at most one coordinate j takes its falling root.
/// Hence t* = t(μ, j) for some μ &gt; 0 and j ∈ {none} ∪ q with G(t(μ, j)) = 0. For j = none, G(t(μ, none)) strictly
/// decreases in μ (own roots fall, rising roots climb), so its root is unique and bisection finds it; for a falling j we
/// scan log μ on a fine grid and bisect every sign change (a 1-D search that converges as the grid refines; a tangential
/// double root between two grid points is the only thing it can miss). The radius is the smallest candidate distance.</summary>
internal static class FpRadius
{
    private const int Grid = 400;
    private const double LogMuLo = -9, LogMuHi = 9;

    /// <summary>Radius for own coordinates `own` and other-class coordinates `other` (0 when G ≤ 0 already).</summary>
    public static double Solve(double[] own, double[] other, double p)
    {
        if (G(own, other, p) <= 0)
            return 0;
        // (a) clip: own coordinates down to 0
        double best = Math.Sqrt(own.Sum(v => v > 0 ? v * v : 0));
        var t = new double[own.Length + other.Length];
        var scan = new GridTerms(own, other, p);
        for (int j = -1; j < other.Length; j++)
        {
            if (j >= 0 && other[j] > 0 && p == 2)
                continue; // p = 2 has no falling root for a positive coordinate
            double prevLog = double.NaN, prevG = double.NaN;
            for (int g = 0; g <= Grid; g++)
            {
                double logMu = LogMuLo + (LogMuHi - LogMuLo) * g / Grid;
                double value = scan.Branch(j, g);
                if (double.IsFinite(prevG) && !double.IsFinite(value))
                {
                    // the branch ends between two grid points (a rising root merges with the falling one): its root may lie
                    // just before the end, so locate the end and look there too
                    (logMu, value) = DomainEnd(own, other, p, j, prevLog, logMu, t);
                }
                else if (!double.IsFinite(prevG) && double.IsFinite(value) && g > 0)
                {
                    // the branch starts between two grid points (p = 2: a falling root needs μ > 1/2): start the scan there
                    (prevLog, prevG) = DomainEnd(own, other, p, j, logMu, prevLog, t);
                }
                if (double.IsFinite(value) && double.IsFinite(prevG) && (value <= 0) != (prevG <= 0))
                    best = Math.Min(best, Bisect(own, other, p, j, prevLog, logMu, prevG, t));
                prevLog = logMu;
                prevG = value;
            }
        }
        return best;
    }

    /// <summary>The end of a branch's domain between a feasible log μ `lo` and an infeasible `hi` (either order), and G there.</summary>
    private static (double LogMu, double Value) DomainEnd(double[] own, double[] other, double p, int j, double lo, double hi, double[] t)
    {
        for (int iter = 0; iter < 80; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi)
                break; // the bracket is two adjacent doubles (~45 halvings): the rest of the 80 would change nothing
            if (Finite(own, other, p, j, Math.Pow(10, mid), t))
                lo = mid;
            else
                hi = mid;
        }
        return (lo, Branch(own, other, p, j, Math.Pow(10, lo), t));
    }

    /// <summary>double.IsFinite(Branch(own, other, p, j, mu, t)) without its powers: Branch is NaN exactly when a root it
    /// needs does not exist, and otherwise finite unless a power overflows, which only a coordinate or root beyond 1e100
    /// could make (then Branch itself decides). DomainEnd's bisection asks only this, ~45 times per branch end.</summary>
    internal static bool Finite(double[] own, double[] other, double p, int j, double mu, double[] t)
    {
        const double Large = 1e100;
        bool large = false;
        foreach (double s in own)
        {
            if (double.IsNaN(s))
                return false;
            large |= Math.Abs(s) > Large;
        }
        for (int k = 0; k < other.Length; k++)
        {
            double s = other[k];
            double root = k == j ? FallingRoot(s, mu, p) : s <= 0 ? s : RisingRoot(s, mu, p);
            if (double.IsNaN(root))
                return false;
            large |= Math.Abs(root) > Large;
        }
        return !large || double.IsFinite(Branch(own, other, p, j, mu, t));
    }

    private static double G(double[] own, double[] other, double p) =>
        own.Sum(v => Math.Pow(Math.Max(v, 0), p)) - other.Sum(v => Math.Pow(Math.Max(v, 0), p));

    /// <summary>Bisection on log μ between a sign change of G(t(μ, j)); returns ‖t − s‖ at the root (∞ if degenerate).</summary>
    private static double Bisect(double[] own, double[] other, double p, int j, double lo, double hi, double gLo, double[] t)
    {
        for (int iter = 0; iter < 80; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi)
                break; // adjacent doubles: as in DomainEnd
            double value = Branch(own, other, p, j, Math.Pow(10, mid), t);
            if (!double.IsFinite(value))
                return double.PositiveInfinity;
            if ((value <= 0) == (gLo <= 0))
                (lo, gLo) = (mid, value);
            else
                hi = mid;
        }
        // the feasible end of the bracket, so the distance returned is attained by a point with G ≤ 0
        if (!(Branch(own, other, p, j, Math.Pow(10, gLo <= 0 ? lo : hi), t) <= 0))
            return double.PositiveInfinity;
        double d2 = 0;
        for (int k = 0; k < own.Length; k++)
            d2 += (t[k] - own[k]) * (t[k] - own[k]);
        for (int k = 0; k < other.Length; k++)
            d2 += (t[own.Length + k] - other[k]) * (t[own.Length + k] - other[k]);
        return Math.Sqrt(d2);
    }

    /// <summary>The terms of Branch at every grid point, computed once for all branches j: the own part (the same for
    /// every j), and each other coordinate's rising and falling term. Branch(j, g) then adds them in Branch's order, so it
    /// returns Branch(own, other, p, j, 10^logμ_g, ·) bit for bit at a (K − K1 + 1)-th of the roots and powers.</summary>
    internal sealed class GridTerms
    {
        private readonly double[] _own;          // [grid] Σ_own ReLU(t_k)^p, summed as Branch sums it
        private readonly double[,] _rising;      // [grid, other] ReLU(root)^p of the rising root (or of s ≤ 0); NaN: none
        private readonly double[,] _falling;     // [grid, other] the same for the falling root
        private readonly int _others;

        public GridTerms(double[] own, double[] other, double p)
        {
            _others = other.Length;
            _own = new double[Grid + 1];
            _rising = new double[Grid + 1, other.Length];
            _falling = new double[Grid + 1, other.Length];
            for (int g = 0; g <= Grid; g++)
            {
                double mu = Math.Pow(10, LogMuLo + (LogMuHi - LogMuLo) * g / Grid);
                double value = 0;
                for (int k = 0; k < own.Length; k++)
                    value += Math.Pow(Math.Max(own[k] <= 0 ? own[k] : OwnRoot(own[k], mu, p), 0), p);
                _own[g] = value;
                for (int k = 0; k < other.Length; k++)
                {
                    double s = other[k];
                    _rising[g, k] = Term(s <= 0 ? s : RisingRoot(s, mu, p), p);
                    _falling[g, k] = Term(FallingRoot(s, mu, p), p);
                }
            }
        }

        /// <summary>Branch j (−1: none) at grid point g.</summary>
        public double Branch(int j, int g)
        {
            double value = _own[g];
            for (int k = 0; k < _others; k++)
            {
                double term = k == j ? _falling[g, k] : _rising[g, k];
                if (double.IsNaN(term))
                    return double.NaN;
                value -= term;
            }
            return value;
        }

        private static double Term(double root, double p) => double.IsNaN(root) ? double.NaN : Math.Pow(Math.Max(root, 0), p);
    }

    /// <summary>G at the KKT point t(μ, j) written into t (own first); NaN when a needed root does not exist.</summary>
    internal static double Branch(double[] own, double[] other, double p, int j, double mu, double[] t)
    {
        double value = 0;
        for (int k = 0; k < own.Length; k++)
        {
            t[k] = own[k] <= 0 ? own[k] : OwnRoot(own[k], mu, p);
            value += Math.Pow(Math.Max(t[k], 0), p);
        }
        for (int k = 0; k < other.Length; k++)
        {
            double s = other[k];
            double root = k == j ? FallingRoot(s, mu, p) : s <= 0 ? s : RisingRoot(s, mu, p);
            if (double.IsNaN(root))
                return double.NaN;
            t[own.Length + k] = root;
            value -= Math.Pow(Math.Max(root, 0), p);
        }
        return value;
    }

    // t + μp·t^(p−1) = s for s > 0: the left side increases on [0, s], so bisection (closed form for p = 2, 3)
    private static double OwnRoot(double s, double mu, double p)
    {
        if (p == 2)
            return s / (1 + 2 * mu);
        if (p == 3)
            return 2 * s / (1 + Math.Sqrt(1 + 12 * mu * s));
        double lo = 0, hi = s;
        for (int iter = 0; iter < 64; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid + mu * p * Math.Pow(mid, p - 1) < s)
                lo = mid;
            else
                hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    // the peak of h_μ(t) = t − μp·t^(p−1): t̂ = (μp(p−1))^(−1/(p−2)) for p > 2; p = 2 rises for μ < 1/2, else falls
    private static double Peak(double mu, double p) =>
        p == 2 ? (mu < 0.5 ? double.PositiveInfinity : 0) : Math.Pow(mu * p * (p - 1), -1 / (p - 2));

    private static double H(double t, double mu, double p) => t - mu * p * Math.Pow(t, p - 1);

    // root of h_μ(t) = s with h_μ' > 0 (s > 0); NaN when s is above the peak value
    private static double RisingRoot(double s, double mu, double p)
    {
        if (p == 2)
            return mu < 0.5 ? s / (1 - 2 * mu) : double.NaN;
        double d = 1 - 12 * mu * s;
        if (p == 3)
            return d < 0 ? double.NaN : 2 * s / (1 + Math.Sqrt(d));
        double peak = Peak(mu, p);
        if (H(peak, mu, p) < s)
            return double.NaN;
        double lo = 0, hi = peak;
        for (int iter = 0; iter < 64; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (H(mid, mu, p) < s)
                lo = mid;
            else
                hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    // root of h_μ(t) = s with h_μ' < 0; NaN when none
    private static double FallingRoot(double s, double mu, double p)
    {
        if (p == 2)
            return mu > 0.5 && s < 0 ? s / (1 - 2 * mu) : double.NaN;
        double d = 1 - 12 * mu * s;
        if (p == 3)
            return d < 0 ? double.NaN : (1 + Math.Sqrt(d)) / (6 * mu);
        double peak = Peak(mu, p);
        if (H(peak, mu, p) < s)
            return double.NaN;
        double lo = peak, hi = 2 * peak + 1;
        while (H(hi, mu, p) > s)
            hi *= 2;
        for (int iter = 0; iter < 64; iter++)
        {
            double mid = 0.5 * (lo + hi);
            if (H(mid, mu, p) > s)
                lo = mid;
            else
                hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
