using GpuPRelu.Kernels;

namespace GpuPRelu.Devices.Managed;

/// <summary>The stable rank's operations on the CPU (`--device cpu`): the same math as the kernels GramAccumulate,
/// GramPowerStep and PowerNormalize (docs/design.md §2 MNIST metrics); the Gram matrix AᵀA is a blocked product (Gemm).</summary>
internal static unsafe class ManagedAnalysis
{
    /// <summary>g[b] += A_bᵀ·A_b, A = a [B, s.Samples, H]: the product goes to a scratch matrix whose finished tiles the
    /// epilogue adds to g.</summary>
    public static void GramAccumulate(BatchShape s, float* a, float* g)
    {
        int M = s.Samples, H = s.Hidden;
        var scratch = GC.AllocateUninitializedArray<float>(s.Networks * H * H, pinned: true);
        fixed (float* tmp = scratch)
        {
            float* t = tmp;
            Gemm.Batched(s.Networks, H, (b, col0, col1) =>
            {
                float* ab = a + (long)b * M * H;
                var add = new AddTile(g + (long)b * H * H, H);
                // A(j, m) = a[m·H + j] (Aᵀ), B(m, k) = a[m·H + k]
                Gemm.Run(new Strided(ab, 1, H), new Strided(ab, H, 1), t + (long)b * H * H, H, H, M, col0, col1, ref add);
            });
        }
    }

    /// <summary>y_b = G_b·v_b for every network.</summary>
    public static void PowerStep(BatchShape s, float* g, float* v, float* y)
    {
        int H = s.Hidden;
        Parallel.For(0, s.Networks * H, i =>
        {
            int b = i / H;
            y[i] = Simd.Dot(g + (long)i * H, v + (long)b * H, H);
        });
    }

    /// <summary>λ_b = ‖y_b‖, v_b = y_b/λ_b (y = 0 leaves v), trace_b = Σ_j G_b[j, j].</summary>
    public static void Normalize(BatchShape s, float* g, float* y, float* v, float* lambda, float* trace)
    {
        int H = s.Hidden;
        for (int b = 0; b < s.Networks; b++)
        {
            float* yb = y + (long)b * H;
            float norm = MathF.Sqrt(Simd.Dot(yb, yb, H)), t = 0f;
            for (int j = 0; j < H; j++)
                t += g[((long)b * H + j) * H + j];
            lambda[b] = norm;
            trace[b] = t;
            if (norm > 0f)
            {
                for (int j = 0; j < H; j++)
                    v[(long)b * H + j] = yb[j] / norm;
            }
        }
    }

    /// <summary>target[tile] += c[tile]: accumulates a finished product tile into another matrix of the same layout.</summary>
    private readonly struct AddTile(float* target, long ldt) : ITileEpilogue
    {
        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            for (int i = 0; i < rows; i++)
                Simd.Add(c + i * ldc, target + (row + i) * ldt + col, cols);
        }
    }
    /// <summary>SphereAscentStep (docs/design.md §1, the distance estimate) a row at a time on the host: the kernel's operations in
    /// the kernel's order (its sums over D run in sequence), so the same bits as the kernel on the CPU accelerator,
    /// without that accelerator's per-thread scheduling, which cost as much as the step's products.</summary>
    public static void SphereAscent(BatchShape s, float step, float* x, float* f, float* g, float* df, float* dg, float* scale,
        float* center, float* u, float* best)
    {
        int D = s.Inputs, rows = s.Networks * s.Samples, perTask = Math.Max(1, rows / (4 * Environment.ProcessorCount));
        Parallel.For(0, (rows + perTask - 1) / perTask, task =>
        {
            for (int i = task * perTask; i < Math.Min(rows, (task + 1) * perTask); i++)
            {
                int b = i / s.Samples;
                long row0 = (long)i * D;
                float c = scale[b], h = c * f[i] - g[i];
                best[i] = MathF.Max(best[i], MathF.Abs(h));
                if (step == 0f)
                    continue;
                float* xr = x + row0, dfr = df + row0, dgr = dg + row0, ur = u + row0, cr = center + (long)b * D;
                float d2 = 0f;
                for (int d = 0; d < D; d++)
                {
                    float dir = h * (c * dfr[d] - dgr[d]);
                    d2 += dir * dir;
                }
                // a stationary point (h = 0 or parallel gradients) stays put
                if (d2 == 0f)
                    continue;
                float move = step / MathF.Sqrt(d2), x2 = 0f;
                for (int d = 0; d < D; d++)
                {
                    float next = xr[d] + move * h * (c * dfr[d] - dgr[d]);
                    xr[d] = next;
                    x2 += next * next;
                }
                float inv = 1f / MathF.Sqrt(x2);
                for (int d = 0; d < D; d++)
                {
                    xr[d] *= inv;
                    ur[d] = xr[d] - cr[d];
                }
            }
        });
    }
}
