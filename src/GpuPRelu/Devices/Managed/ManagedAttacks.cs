using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Devices.Managed;

/// <summary>The PGD bookkeeping on the CPU: the same math as the kernels PgdStep and MarkBroken (docs/attacks.md
/// §PGD), a row at a time with Vector256 over D.</summary>
internal static unsafe class ManagedAttacks
{
    public static void PgdStep(BatchShape s, PgdSpec spec, float* u0, float* u, float* du, float* radius, float* center, int* broken)
    {
        int D = s.Inputs, M = s.Samples;
        int rows = s.Networks * M, perTask = Math.Max(1, rows / (4 * Environment.ProcessorCount));
        Parallel.For(0, (rows + perTask - 1) / perTask, t =>
        {
            for (int i = t * perTask; i < Math.Min(rows, (t + 1) * perTask); i++)
            {
                if (broken[i] == 0)
                    Step(spec, D, u0 + (long)i * D, u + (long)i * D, du + (long)i * D, radius[i % M], center + i / M * D);
            }
        });
    }

    /// <summary>One row: δ ← δ + η·g/(‖g‖₂ + guard) (l2) or δ + η·sign(g) (l∞), projected onto the ε-ball, then the box.</summary>
    private static void Step(PgdSpec spec, int D, float* u0, float* u, float* g, float eps, float* center)
    {
        bool l2 = spec.Norm == 2;
        float gScale = spec.Step / (MathF.Sqrt(Simd.Dot(g, g, D)) + spec.Guard);
        // first pass: the stepped δ into u (u0 + δ is rebuilt below), and its squared norm for the l2 projection
        int d = 0;
        var acc = Vector256<float>.Zero;
        for (; d + Simd.Width <= D; d += Simd.Width)
        {
            var delta = Stepped(l2, spec.Step, gScale, Vector256.Load(u + d) - Vector256.Load(u0 + d), Vector256.Load(g + d));
            delta.Store(u + d);
            acc = Simd.Fma(delta, delta, acc);
        }
        float n2 = Simd.Sum(acc);
        for (; d < D; d++)
        {
            float delta = l2 ? u[d] - u0[d] + gScale * g[d] : u[d] - u0[d] + spec.Step * (g[d] > 0f ? 1f : g[d] < 0f ? -1f : 0f);
            u[d] = delta;
            n2 += delta * delta;
        }
        float shrink = l2 && n2 > eps * eps ? eps / MathF.Sqrt(n2) : 1f;
        d = 0;
        if (l2 && spec.HasBox == 0)
        {
            // the common case (the paper's l2 attack): u = u0 + shrink·δ, 8 at a time, the same operations as below
            var sv = Vector256.Create(shrink);
            for (; d + Simd.Width <= D; d += Simd.Width)
                (Vector256.Load(u0 + d) + Vector256.Load(u + d) * sv).Store(u + d);
        }
        for (; d < D; d++)
        {
            float delta = u[d] * shrink;
            if (!l2)
                delta = Math.Clamp(delta, -eps, eps);
            if (spec.HasBox != 0)
                delta = Math.Clamp(u0[d] + center[d] + delta, spec.Lo, spec.Hi) - u0[d] - center[d];
            u[d] = u0[d] + delta;
        }
    }

    private static Vector256<float> Stepped(bool l2, float step, float gScale, Vector256<float> delta, Vector256<float> g)
    {
        if (l2)
            return Simd.Fma(Vector256.Create(gScale), g, delta);
        var sign = Vector256.ConditionalSelect(Vector256.GreaterThan(g, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero)
            - Vector256.ConditionalSelect(Vector256.LessThan(g, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
        return Simd.Fma(Vector256.Create(step), sign, delta);
    }

    public static void MarkBroken(float* correct, int* broken, long n)
    {
        for (long i = 0; i < n; i++)
        {
            if (correct[i] == 0f)
                broken[i] = 1;
        }
    }
}
