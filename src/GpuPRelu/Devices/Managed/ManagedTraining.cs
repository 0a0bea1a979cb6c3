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
        // whole 16-float pieces split across the cores; the tail (n mod 8, not fused) where it always was
        const long Piece = 1 << 15;
        long vectors = n / Simd.Width * Simd.Width, pieces = (vectors + Piece - 1) / Piece;
        Parallel.For(0L, pieces, piece =>
        {
            long i = piece * Piece, end = Math.Min(vectors, i + Piece);
            if (Simd.Wide)
            {
                var wide = Vector512.Create(-lr);
                for (; i + 2 * Simd.Width <= end; i += 2 * Simd.Width)
                    Vector512.FusedMultiplyAdd(wide, Vector512.Load(dTheta + i), Vector512.Load(theta + i)).Store(theta + i);
            }
            var step = Vector256.Create(-lr);
            for (; i + Simd.Width <= end; i += Simd.Width)
                Simd.Fma(step, Vector256.Load(dTheta + i), Vector256.Load(theta + i)).Store(theta + i);
        });
        for (long i = vectors; i < n; i++)
            theta[i] -= lr * dTheta[i];
    }

    public static void Adam(AdamStep step, float* theta, float* dTheta, float* m, float* v, long n)
    {
        for (long i = 0; i < n; i++)
        {
            float g = dTheta[i];
            float mi = m[i] + (1f - step.Beta1) * (g - m[i]);
            float vi = step.Beta2 * v[i] + (1f - step.Beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            theta[i] -= step.Lr / step.BiasCorrection1 * mi / (MathF.Sqrt(vi) / step.SqrtBiasCorrection2 + step.Eps);
        }
    }
}
