using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>The APGD momentum step per row in float64 (docs/attacks.md §2.2 b): z = u + η·sign(g) or u + η·g/(‖g‖ +
/// 1e-12), s = P(z), v = u + a(s − u) + (1 − a)(u − u_prev), u ← P(v), u_prev ← u; P = ball around u0 (l2 with AA's
/// +1e-12), then the box on u + center. Broken rows unchanged.</summary>
internal static class ApgdStepReference
{
    public static (double[] U, double[] UPrev) Run(BatchShape s, ApgdSpec spec, double[] u0, double[] u, double[] uPrev, double[] du,
        double[] state, double[] radius, double[] center, int[] broken)
    {
        int D = s.Inputs;
        var next = (double[])u.Clone();     // [B, M, D]
        var prev = (double[])uPrev.Clone(); // [B, M, D]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                int row = b * s.Samples + m;
                if (broken[row] != 0)
                    continue;
                double eps = radius[m], eta = state[row * ApgdState.Width + ApgdState.Eta], a = spec.Momentum;
                double[] Row(double[] x) => x[(row * D)..((row + 1) * D)];
                double[] x0 = Row(u0), x = Row(u), xp = Row(uPrev), g = Row(du), c = center[(b * D)..((b + 1) * D)];
                double gn = Math.Sqrt(g.Sum(v => v * v));
                var z = new double[D];
                for (int d = 0; d < D; d++)
                    z[d] = spec.Norm == 2 ? x[d] + eta * g[d] / (gn + 1e-12) : x[d] + eta * Math.Sign(g[d]);
                var sp = Project(spec, eps, x0, z, c);
                var v = new double[D];
                for (int d = 0; d < D; d++)
                    v[d] = x[d] + a * (sp[d] - x[d]) + (1 - a) * (x[d] - xp[d]);
                var projected = Project(spec, eps, x0, v, c);
                for (int d = 0; d < D; d++)
                {
                    prev[row * D + d] = x[d];
                    next[row * D + d] = projected[d];
                }
            }
        }
        return (next, prev);
    }

    public static double[] Project(ApgdSpec spec, double eps, double[] x0, double[] v, double[] c)
    {
        int D = x0.Length;
        double n = Math.Sqrt(Enumerable.Range(0, D).Sum(d => (v[d] - x0[d]) * (v[d] - x0[d])));
        var p = new double[D];
        for (int d = 0; d < D; d++)
        {
            double delta = spec.Norm == 2 ? (v[d] - x0[d]) / (n + 1e-12) * Math.Min(eps, n) : Math.Clamp(v[d] - x0[d], -eps, eps);
            p[d] = x0[d] + delta;
            if (spec.HasBox != 0)
                p[d] = Math.Clamp(p[d] + c[d], spec.Lo, spec.Hi) - c[d];
        }
        return p;
    }
}
