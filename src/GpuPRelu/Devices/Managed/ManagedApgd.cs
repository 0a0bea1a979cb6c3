using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Devices.Managed;

/// <summary>APGD's steps on the CPU (`--device cpu`): the same math as the kernels ApgdStep and ApgdL1Step (docs/attacks.md
/// §2.2, §3), a row at a time, rows in parallel, Vector256 over D where the step is elementwise and an exact sort for the
/// l1 step's threshold (the kernel bisects). The bookkeeping between steps runs the kernels' own code per row
/// (ManagedAttackLaunchers).</summary>
internal static unsafe class ManagedApgd
{
    /// <summary>Runs `row` for every row of [0, rows) on all cores, in a few contiguous tasks per core.</summary>
    internal static void Rows(long rows, Action<long> row)
    {
        long perTask = Math.Max(1, rows / (4 * Environment.ProcessorCount));
        Parallel.For(0, (rows + perTask - 1) / perTask, t =>
        {
            for (long i = t * perTask; i < Math.Min(rows, (t + 1) * perTask); i++)
                row(i);
        });
    }

    public static void Step(BatchShape s, ApgdSpec spec, float* u0, float* u, float* uPrev, float* du, float* state, float* radius,
        float* center, int* broken)
    {
        int D = s.Inputs, M = s.Samples;
        Rows((long)s.Networks * M, i =>
        {
            if (broken[i] != 0)
                return;
            float eps = radius[i % M], eta = state[i * ApgdState.Width + ApgdState.Eta];
            long row = i * D;
            float* c = center + i / M * D;
            if (spec.Norm == 2)
                StepL2(spec, D, eps, eta, u0 + row, u + row, uPrev + row, du + row, c);
            else
                StepLinf(spec, D, eps, eta, u0 + row, u + row, uPrev + row, du + row, c);
        });
    }

    // z = u + η·sign(g), s = P(z), v = u + a·(s − u) + (1 − a)·(u − u_prev), u_prev ← u, u ← P(v); P clips δ to [−ε, ε], then the box
    private static void StepLinf(ApgdSpec spec, int D, float eps, float eta, float* u0, float* u, float* uPrev, float* g, float* c)
    {
        float a = spec.Momentum;
        var va = Vector256.Create(a);
        var vb = Vector256.Create(1f - a);
        var veta = Vector256.Create(eta);
        var hi = Vector256.Create(eps);
        var lo = Vector256.Create(-eps);
        int d = 0;
        for (; d + Simd.Width <= D; d += Simd.Width)
        {
            var x0 = Vector256.Load(u0 + d);
            var x = Vector256.Load(u + d);
            var gd = Vector256.Load(g + d);
            var cd = Vector256.Load(c + d);
            var sign = Vector256.ConditionalSelect(Vector256.GreaterThan(gd, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero)
                - Vector256.ConditionalSelect(Vector256.LessThan(gd, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
            var sp = ProjectLinf(spec, x0, x + veta * sign, lo, hi, cd);
            var v = x + va * (sp - x) + vb * (x - Vector256.Load(uPrev + d));
            x.Store(uPrev + d);
            ProjectLinf(spec, x0, v, lo, hi, cd).Store(u + d);
        }
        for (; d < D; d++)
        {
            float x = u[d], gd = g[d];
            float sp = ProjectLinf(spec, u0[d], x + eta * (gd > 0f ? 1f : gd < 0f ? -1f : 0f), eps, c[d]);
            float v = x + a * (sp - x) + (1f - a) * (x - uPrev[d]);
            uPrev[d] = x;
            u[d] = ProjectLinf(spec, u0[d], v, eps, c[d]);
        }
    }

    private static Vector256<float> ProjectLinf(ApgdSpec spec, Vector256<float> x0, Vector256<float> v, Vector256<float> lo,
        Vector256<float> hi, Vector256<float> c)
    {
        var x = x0 + Vector256.Min(Vector256.Max(v - x0, lo), hi);
        return spec.HasBox != 0
            ? Vector256.Min(Vector256.Max(x + c, Vector256.Create(spec.Lo)), Vector256.Create(spec.Hi)) - c
            : x;
    }

    private static float ProjectLinf(ApgdSpec spec, float x0, float v, float eps, float c)
    {
        float x = x0 + Math.Clamp(v - x0, -eps, eps);
        return spec.HasBox != 0 ? Math.Clamp(x + c, spec.Lo, spec.Hi) - c : x;
    }

    // l2: z = u + η·g/(‖g‖ + 1e-12); P scales v − u0 by min(ε, ‖v − u0‖)/(‖v − u0‖ + 1e-12), then the box
    private static void StepL2(ApgdSpec spec, int D, float eps, float eta, float* u0, float* u, float* uPrev, float* g, float* c)
    {
        float a = spec.Momentum, gScale = eta / (MathF.Sqrt(Simd.Dot(g, g, D)) + 1e-12f);
        float z2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float z = u[d] + gScale * g[d] - u0[d];
            z2 += z * z;
        }
        float zScale = L2Factor(z2, eps);
        float v2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float v = V(spec, zScale, a, u0[d], u[d], uPrev[d], g[d], gScale, c[d]) - u0[d];
            v2 += v * v;
        }
        float vScale = L2Factor(v2, eps);
        for (int d = 0; d < D; d++)
        {
            float v = V(spec, zScale, a, u0[d], u[d], uPrev[d], g[d], gScale, c[d]);
            uPrev[d] = u[d];
            u[d] = ProjectL2(spec, vScale, u0[d], v, c[d]);
        }
    }

    private static float V(ApgdSpec spec, float zScale, float a, float x0, float x, float xPrev, float g, float gScale, float c)
    {
        float sp = ProjectL2(spec, zScale, x0, x + gScale * g, c);
        return x + a * (sp - x) + (1f - a) * (x - xPrev);
    }

    private static float ProjectL2(ApgdSpec spec, float factor, float x0, float v, float c)
    {
        float x = x0 + (v - x0) * factor;
        return spec.HasBox != 0 ? Math.Clamp(x + c, spec.Lo, spec.Hi) - c : x;
    }

    private static float L2Factor(float norm2, float eps)
    {
        float n = MathF.Sqrt(norm2);
        return MathF.Min(eps, n) / (n + 1e-12f);
    }

    /// <summary>The l1 step of kernel ApgdL1Step (docs/attacks.md §3): τ the q-th smallest |g_j| (exact, by sorting a
    /// copy), s = sign(g)·[|g| ≥ τ], y = u + η·s/(‖s‖₁ + 1e-10) − u0, u ← u0 + Π(y) onto {‖δ‖₁ ≤ ε} ∩ box with λ by the
    /// kernel's 50-step bisection.</summary>
    public static void L1Step(BatchShape s, L1Box box, float* u0, float* u, float* du, float* state, float* radius, float* center,
        int* broken)
    {
        int D = s.Inputs, M = s.Samples;
        Rows((long)s.Networks * M, i =>
        {
            if (broken[i] != 0)
                return;
            float* x0 = u0 + i * D, x = u + i * D, g = du + i * D, c = center + i / M * D, st = state + i * ApgdState.Width;
            float eps = radius[i % M];
            int q = (int)Math.Clamp((1f - st[ApgdState.TopK]) * D, 0f, D - 1f);
            var magnitude = new float[D];
            for (int d = 0; d < D; d++)
                magnitude[d] = MathF.Abs(g[d]);
            var sorted = (float[])magnitude.Clone();
            Array.Sort(sorted);
            float tau = sorted[q];
            int support = 0;
            for (int d = 0; d < D; d++)
                support += magnitude[d] >= tau && g[d] != 0f ? 1 : 0;
            float move = st[ApgdState.Eta] / (support + 1e-10f);
            var y = new float[D];
            var cap = new float[D];
            float capSum = 0f, yMax = 0f;
            for (int d = 0; d < D; d++)
            {
                float sign = magnitude[d] >= tau ? Sign(g[d]) : 0f;
                y[d] = x[d] + move * sign - x0[d];
                cap[d] = ApgdL1Step.Cap(box, y[d], x0[d] + c[d]);
                capSum += cap[d];
                yMax = MathF.Max(yMax, MathF.Abs(y[d]));
            }
            float lambda = 0f;
            if (capSum > eps)
            {
                float lo = 0f, hi = yMax;
                for (int iter = 0; iter < 50; iter++)
                {
                    float mid = 0.5f * (lo + hi), sum = 0f;
                    for (int d = 0; d < D; d++)
                        sum += MathF.Min(MathF.Max(MathF.Abs(y[d]) - mid, 0f), cap[d]);
                    if (sum > eps)
                        lo = mid;
                    else
                        hi = mid;
                }
                lambda = hi; // the feasible end: Σ ≤ ε
            }
            for (int d = 0; d < D; d++)
            {
                float delta = MathF.Min(MathF.Max(MathF.Abs(y[d]) - lambda, 0f), cap[d]);
                x[d] = x0[d] + Sign(y[d]) * delta;
            }
        });
    }

    // sign as the kernels take it (MathF.Sign throws on NaN, which a diverged network's gradient may hold)
    private static float Sign(float v) => v > 0f ? 1f : v < 0f ? -1f : 0f;
}
