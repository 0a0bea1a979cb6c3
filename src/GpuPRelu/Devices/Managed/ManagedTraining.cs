using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Data;
using GpuPRelu.Kernels.Training;

namespace GpuPRelu.Devices.Managed;

/// <summary>Data gathering, losses, row sums and parameter updates on the CPU: the same math as the kernels GatherRows,
/// LossGradient, RowSums, SgdUpdate and AdamUpdate.</summary>
internal static unsafe class ManagedTraining
{
    public static void Gather(BatchShape s, RowSelection sel, float* x, int* y, int* set, int* rows, float* center, float* u, int* ym)
    {
        int D = s.Inputs;
        var tiles = Tiles.For(s.Networks, s.Samples);
        Parallel.For(0, tiles.Count, task =>
        {
            var (b, begin, end) = tiles.Task(task);
            int k = set[b];
            for (int m = begin; m < end; m++)
            {
                long bm = (long)b * s.Samples + m, src = (long)k * sel.RowsPerSet + rows[(long)k * sel.RowsPerSet + sel.Offset + m];
                Simd.Subtract(x + src * D, center + (long)b * D, u + bm * D, D);
                ym[bm] = y[src];
            }
        });
    }

    public static void Loss(BatchShape s, LossSpec spec, float* f, int* ym, float* g, float* loss, float* correct)
    {
        int C = s.Outputs;
        Parallel.For(0, s.Networks, b =>
        {
            for (int m = 0; m < s.Samples; m++)
            {
                long i = (long)b * s.Samples + m;
                LossRow(spec, C, f + i * C, ym[i], g + i * C, loss + i, correct + i);
            }
        });
    }

    /// <summary>One row of LossGradient: the loss, whether the row is classified correctly, g = scale·∂loss/∂f.</summary>
    public static void LossRow(LossSpec spec, int C, float* fi, int label, float* gi, float* loss, float* correct)
    {
        if (spec.Kind != 2)
        {
            float yy = label == 1 ? 1f : -1f, margin = yy * fi[0];
            *correct = margin > 0f ? 1f : 0f;
            if (spec.Kind == 0)
            {
                float e = MathF.Exp(-margin);
                *loss = e;
                gi[0] = -yy * e * spec.Scale;
            }
            else
            {
                *loss = MathF.Max(-margin, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(margin)));
                gi[0] = -yy / (1f + MathF.Exp(margin)) * spec.Scale;
            }
            return;
        }
        int arg = 0;
        for (int c = 1; c < C; c++)
            arg = fi[c] > fi[arg] ? c : arg;
        float max = fi[arg], sum = 0f;
        for (int c = 0; c < C; c++)
            sum += MathF.Exp(fi[c] - max);
        *loss = max + MathF.Log(sum) - fi[label];
        *correct = arg == label ? 1f : 0f;
        for (int c = 0; c < C; c++)
            gi[c] = (MathF.Exp(fi[c] - max) / sum - (c == label ? 1f : 0f)) * spec.Scale;
    }

    /// <summary>Sequential per network, in the kernel's order, so the sums repeat bit for bit.</summary>
    public static void RowSums(BatchShape s, float* loss, float* correct, float* sums)
    {
        for (int b = 0; b < s.Networks; b++)
        {
            float l = 0f, k = 0f;
            for (int m = 0; m < s.Samples; m++)
            {
                l += loss[(long)b * s.Samples + m];
                k += correct[(long)b * s.Samples + m];
            }
            sums[2 * b] = l;
            sums[2 * b + 1] = k;
        }
    }

    public static void Sgd(float lr, float* theta, float* dTheta, long n)
    {
        // whole 8-float vectors in pieces split across the cores; the tail (n mod 8, not fused) where it always was
        const long Piece = 1 << 15;
        long vectors = n / Simd.Width * Simd.Width, pieces = (vectors + Piece - 1) / Piece;
        Parallel.For(0L, pieces, piece =>
        {
            long i = piece * Piece, count = Math.Min(vectors, i + Piece) - i;
            SgdRange(lr, theta + i, dTheta + i, count, count);
        });
        SgdRange(lr, theta + vectors, dTheta + vectors, n - vectors, 0);
    }

    /// <summary>θ[i] −= lr·dθ[i] over n parameters on this thread: the first `fused` (θ's elements below its last whole
    /// 8 floats) by one fused multiply-add, as Sgd's vectors, the rest rounded twice, as Sgd's tail.</summary>
    public static void SgdRange(float lr, float* theta, float* dTheta, long n, long fused)
    {
        long vectors = Math.Min(n, fused) / Simd.Width * Simd.Width;
        Simd.Axpy(-lr, dTheta, theta, (int)vectors);
        for (long i = vectors; i < n; i++)
            theta[i] = i < fused ? MathF.FusedMultiplyAdd(-lr, dTheta[i], theta[i]) : theta[i] - lr * dTheta[i];
    }

    /// <summary>AdamUpdate over n parameters on every core (pieces of Range).</summary>
    public static void Adam(AdamStep step, float* theta, float* dTheta, float* m, float* v, long n)
    {
        const long Piece = 1 << 15;
        Parallel.For(0L, (n + Piece - 1) / Piece, piece =>
        {
            long i = piece * Piece;
            AdamRange(step, theta + i, dTheta + i, m + i, v + i, Math.Min(Piece, n - i));
        });
    }

    /// <summary>AdamUpdate over n parameters on this thread, 16 (or 8) at a time: each element by the same operations in the
    /// same order as the kernel's scalar loop (vector square roots and quotients round as the scalar ones), so the same
    /// bits (ManagedAdamTests).</summary>
    public static void AdamRange(AdamStep step, float* theta, float* g, float* m, float* v, long n)
    {
        float c1 = 1f - step.Beta1, c2 = 1f - step.Beta2, lr = step.Lr / step.BiasCorrection1;
        long i = 0;
        if (Simd.Wide)
        {
            var (wc1, wb2, wc2, wlr) = (Vector512.Create(c1), Vector512.Create(step.Beta2), Vector512.Create(c2), Vector512.Create(lr));
            var (wsb, weps) = (Vector512.Create(step.SqrtBiasCorrection2), Vector512.Create(step.Eps));
            for (; i + 2 * Simd.Width <= n; i += 2 * Simd.Width)
            {
                var gi = Vector512.Load(g + i);
                var mm = Vector512.Load(m + i);
                var mi = mm + wc1 * (gi - mm);
                var vi = wb2 * Vector512.Load(v + i) + wc2 * gi * gi;
                mi.Store(m + i);
                vi.Store(v + i);
                (Vector512.Load(theta + i) - wlr * mi / (Vector512.Sqrt(vi) / wsb + weps)).Store(theta + i);
            }
        }
        var (nc1, nb2, nc2, nlr) = (Vector256.Create(c1), Vector256.Create(step.Beta2), Vector256.Create(c2), Vector256.Create(lr));
        var (nsb, neps) = (Vector256.Create(step.SqrtBiasCorrection2), Vector256.Create(step.Eps));
        for (; i + Simd.Width <= n; i += Simd.Width)
        {
            var gi = Vector256.Load(g + i);
            var mm = Vector256.Load(m + i);
            var mi = mm + nc1 * (gi - mm);
            var vi = nb2 * Vector256.Load(v + i) + nc2 * gi * gi;
            mi.Store(m + i);
            vi.Store(v + i);
            (Vector256.Load(theta + i) - nlr * mi / (Vector256.Sqrt(vi) / nsb + neps)).Store(theta + i);
        }
        for (; i < n; i++)
        {
            float gi = g[i];
            float mi = m[i] + c1 * (gi - m[i]);
            float vi = step.Beta2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            theta[i] -= lr * mi / (MathF.Sqrt(vi) / step.SqrtBiasCorrection2 + step.Eps);
        }
    }
}
