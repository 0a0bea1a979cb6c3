namespace GpuPRelu.Attacks;

/// <summary>Projection of an offset y onto {δ : ‖δ‖₁ ≤ ε, x0 + δ ∈ [lo, hi]^D} in float64 (docs/attacks.md §3):
/// δ_j = sign(y_j)·min(max(|y_j| − λ, 0), cap_j) with cap_j the room from x0_j to the box in y_j's direction, λ = 0 when
/// Σ cap ≤ ε, else the root of the non-increasing Σ_j min(max(|y_j| − λ, 0), cap_j) = ε by bisection (the l1 starts).</summary>
internal static class L1Projection
{
    public static double[] Project(double[] y, double[] x0, double lo, double hi, double eps)
    {
        int D = y.Length;
        var cap = new double[D];
        for (int d = 0; d < D; d++)
            cap[d] = Math.Min(Math.Abs(y[d]), Math.Max(y[d] > 0 ? hi - x0[d] : x0[d] - lo, 0));
        double Sum(double lambda) => Enumerable.Range(0, D).Sum(d => Math.Min(Math.Max(Math.Abs(y[d]) - lambda, 0), cap[d]));
        double l = 0, h = 0;
        if (Sum(0) > eps)
        {
            h = y.Max(Math.Abs);
            for (int iter = 0; iter < 100; iter++)
            {
                double mid = 0.5 * (l + h);
                if (Sum(mid) > eps)
                    l = mid;
                else
                    h = mid;
            }
        }
        return [.. Enumerable.Range(0, D).Select(d => Math.Sign(y[d]) * Math.Min(Math.Max(Math.Abs(y[d]) - h, 0), cap[d]))];
    }
}
