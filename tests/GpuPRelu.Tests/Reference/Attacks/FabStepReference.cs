using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>One FAB step in float64 (docs/attacks.md §9.3), with the projections solved exactly by sorting rather than by
/// the kernel's bisection: l2 and l∞ walk the sorted saturation points of the piecewise-linear reach Σ|w_j|·m_j(μ); l1
/// fills the coordinates by decreasing |w_j| up to their room in the box (a fractional knapsack).</summary>
internal static class FabStepReference
{
    /// <summary>The minimal-norm δ with ⟨w, δ⟩ = r and lo ≤ x + δ ≤ hi (box null: none), x = t + center; out of the box's
    /// reach, every coordinate at its room in the direction that increases r·⟨w, δ⟩.</summary>
    public static double[] Project(int norm, (double Lo, double Hi)? box, double[] w, double[] x, double r)
    {
        int D = w.Length;
        var delta = new double[D];
        if (r == 0)
            return delta;
        double sign = Math.Sign(r), need = Math.Abs(r);
        var dir = w.Select(v => sign * Math.Sign(v)).ToArray();
        var a = w.Select(Math.Abs).ToArray();
        var cap = Enumerable.Range(0, D).Select(d => dir[d] == 0 ? 0 : box is not { } b ? double.PositiveInfinity
            : dir[d] > 0 ? Math.Max(b.Hi - x[d], 0) : Math.Max(x[d] - b.Lo, 0)).ToArray();
        var live = Enumerable.Range(0, D).Where(d => a[d] > 0).ToArray();
        if (norm == 1)
        {
            // fractional knapsack: the largest |w_j| buy the most r per unit of l1
            double left = need;
            foreach (int d in live.OrderByDescending(d => a[d]))
            {
                double m = Math.Min(cap[d], left / a[d]);
                delta[d] = dir[d] * m;
                left -= a[d] * m;
                if (left <= 0)
                    break;
            }
            return delta;
        }
        var k = a.Select(v => norm == 2 ? v : 1.0).ToArray();
        // saturation points μ_j = cap_j / k_j, ascending; between two, the reach is linear in μ
        var order = live.OrderBy(d => cap[d] / k[d]).ToArray();
        double saturated = 0, rate = live.Sum(d => a[d] * k[d]), mu = double.PositiveInfinity;
        foreach (int d in order)
        {
            double at = cap[d] / k[d];
            if (saturated + rate * at >= need)
            {
                mu = (need - saturated) / rate;
                break;
            }
            saturated += a[d] * cap[d];
            rate -= a[d] * k[d];
        }
        foreach (int d in live)
            delta[d] = dir[d] * Math.Min(mu * k[d], cap[d]);
        return delta;
    }

    public static double[] Run(BatchShape s, FabSpec spec, double[] u0, double[] u, double[] du, double[] margin, double[] center,
        int[] active)
    {
        int D = s.Inputs;
        var next = (double[])u.Clone();
        (double, double)? box = spec.HasBox != 0 ? (spec.Lo, spec.Hi) : null;
        for (int i = 0; i < active.Length; i++)
        {
            if (active[i] == 0)
                continue;
            int c0 = i / s.Samples * D;
            var w = du[(i * D)..((i + 1) * D)];
            var x = Enumerable.Range(0, D).Select(d => u[i * D + d] + center[c0 + d]).ToArray();
            var x0 = Enumerable.Range(0, D).Select(d => u0[i * D + d] + center[c0 + d]).ToArray();
            double q = margin[i], shift = Enumerable.Range(0, D).Sum(d => w[d] * (x[d] - x0[d]));
            var d1 = Project(spec.Norm, box, w, x, -q);
            var d2 = Project(spec.Norm, box, w, x0, shift - q);
            double a1 = Math.Max(FabAcceptReference.Norm(spec.Norm, d1), 1e-8), a2 = Math.Max(FabAcceptReference.Norm(spec.Norm, d2), 1e-8);
            double alpha = Math.Min(a1 / (a1 + a2), spec.AlphaMax);
            for (int d = 0; d < D; d++)
            {
                double v = (x[d] + spec.Eta * d1[d]) * (1 - alpha) + (x0[d] + spec.Eta * d2[d]) * alpha;
                if (box is { } b)
                    v = Math.Clamp(v, b.Item1, b.Item2);
                next[i * D + d] = v - center[c0 + d];
            }
        }
        return next;
    }
}
