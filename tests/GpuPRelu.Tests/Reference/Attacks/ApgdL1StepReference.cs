using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>The l1 APGD step in float64 (docs/attacks.md §3): τ the q-th smallest |g| by sorting, s = sign(g)·[|g| ≥ τ],
/// y = u + η·s/(‖s‖₁ + 1e-10) − u0, u ← u0 + Π(y) with λ solved exactly on the piecewise-linear Σ_j min((|y_j| − λ)⁺, cap_j)
/// between its sorted breakpoints.</summary>
internal static class ApgdL1StepReference
{
    public static double[] Run(BatchShape s, L1Box box, double[] u0, double[] u, double[] du, double[] state, double[] radius,
        double[] center, int[] broken)
    {
        int D = s.Inputs, W = ApgdState.Width;
        var next = (double[])u.Clone(); // [B, M, D]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                if (broken[row] != 0)
                    continue;
                double eps = radius[m], eta = state[row * W + ApgdState.Eta];
                var g = du[(row * D)..((row + 1) * D)];
                int q = (int)Math.Clamp((1 - (float)state[row * W + ApgdState.TopK]) * D, 0, D - 1);
                double tau = g.Select(Math.Abs).Order().ElementAt(q);
                var sgn = g.Select(v => Math.Abs(v) >= tau ? Math.Sign(v) : 0).ToArray();
                double l1 = sgn.Sum(Math.Abs);
                var y = new double[D];
                var cap = new double[D];
                for (int d = 0; d < D; d++)
                {
                    y[d] = u[row * D + d] + eta * sgn[d] / (l1 + 1e-10) - u0[row * D + d];
                    double x0 = u0[row * D + d] + center[b * D + d];
                    cap[d] = box.HasBox == 0 ? Math.Abs(y[d]) : Math.Min(Math.Abs(y[d]), Math.Max(y[d] > 0 ? box.Hi - x0 : x0 - box.Lo, 0));
                }
                double lambda = Lambda(y, cap, eps);
                for (int d = 0; d < D; d++)
                    next[row * D + d] = u0[row * D + d] + Math.Sign(y[d]) * Math.Min(Math.Max(Math.Abs(y[d]) - lambda, 0), cap[d]);
            }
        }
        return next;
    }

    // S(λ) is linear between the breakpoints |y_j| − cap_j and |y_j|: find the segment where it falls to ε and interpolate
    private static double Lambda(double[] y, double[] cap, double eps)
    {
        double S(double lambda) => y.Select((v, d) => Math.Min(Math.Max(Math.Abs(v) - lambda, 0), cap[d])).Sum();
        if (S(0) <= eps)
            return 0;
        var points = y.Select(Math.Abs).Concat(y.Select((v, d) => Math.Abs(v) - cap[d])).Where(p => p > 0).Append(0).Distinct().Order().ToArray();
        for (int k = 1; k < points.Length; k++)
        {
            double a = points[k - 1], b = points[k], sa = S(a), sb = S(b);
            if (sa > eps && sb <= eps)
                return a + (sa - eps) / (sa - sb) * (b - a);
        }
        return points[^1];
    }
}
