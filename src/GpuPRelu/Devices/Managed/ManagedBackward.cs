using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Network;

namespace GpuPRelu.Devices.Managed;

/// <summary>The backward pass on the CPU: the same math as the kernels OutputBackward, HiddenBackward, WeightBackward and
/// InputBackward (docs/design.md §1 exact gradients); dW = Uᵀ·G_z and dU = G_z·Wᵀ by the Gemm micro-kernel.</summary>
internal static unsafe class ManagedBackward
{
    public static void OutputBackward(BatchShape s, float* a, float* g, float* dTheta)
    {
        int M = s.Samples, H = s.Hidden, C = s.Outputs;
        Parallel.For(0, s.Networks * C, bc =>
        {
            int b = bc / C, c = bc % C;
            var dv = new float[H];
            float db = 0f;
            fixed (float* dvp = dv)
            {
                for (int m = 0; m < M; m++)
                {
                    float gc = g[((long)b * M + m) * C + c];
                    db += gc;
                    Simd.AddScaled(a + ((long)b * M + m) * H, gc, dvp, H);
                }
            }
            for (int j = 0; j < H; j++)
                dTheta[s.VOffset + (b * H + j) * C + c] = dv[j];
            dTheta[s.BiasOffset + b * C + c] = s.HasBias != 0 ? db : 0f;
        });
    }

    public static void HiddenBackward(BatchShape s, float* theta, float* p, float* r, float* q, float* z, float* a, float* g,
        float* gz, float* t)
    {
        int M = s.Samples, H = s.Hidden, C = s.Outputs;
        var vt = ManagedForward.Transposed(s, theta);
        var tiles = Tiles.For(s.Networks, M);
        Parallel.For(0, tiles.Count, task =>
        {
            var (b, begin, end) = tiles.Task(task);
            float pb = p[b];
            var delta = new float[H];
            fixed (float* dp = delta, vp = vt)
            {
                for (int m = begin; m < end; m++)
                {
                    long row = (long)b * M + m;
                    Delta(C, H, g + row * C, vp + b * C * H, dp);
                    HiddenRow(s, z + row * H, a + row * H, delta, pb, r + b * H, q[row], gz + row * H, t + row * H);
                }
            }
        });
    }

    /// <summary>δ = Σ_c g_c·v_c for one row (vt: V as [C, H]), accumulated into zeros in the order of c.</summary>
    public static void Delta(int C, int H, float* g, float* vt, float* delta)
    {
        new Span<float>(delta, H).Clear();
        for (int c = 0; c < C; c++)
            Simd.Axpy(g[c], vt + c * H, delta, H);
    }

    /// <summary>The radial factor of dU for one row under input normalization: (1 − p)/q²·Σ_j t_j, 0 where q = 0.</summary>
    public static float InputFactor(float p, float q, float* t, int H)
    {
        float radial = Simd.Sum(t, H);
        return q > 0f ? (1f - p) / (q * q) * radial : 0f;
    }

    /// <summary>gz = δ·p·(z/(r·q))^(p−1) for z &gt; 0 else 0 (PReluMath.Backward) and t = δ·a over one row, eight columns
    /// at a time for integer p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void HiddenRow(BatchShape s, float* z, float* a, float[] delta, float p, float* r, float qm, float* gz, float* t)
    {
        int H = s.Hidden, j = 0, k = Simd.IntegerExponent(p);
        fixed (float* dp = delta)
        {
            if (k >= 0)
            {
                if (Simd.Wide)
                {
                    var qw = Vector512.Create(s.NormalizeInput != 0 ? qm : 1f);
                    var pw = Vector512.Create(p);
                    for (; j + 2 * Simd.Width <= H; j += 2 * Simd.Width)
                    {
                        var zz = Vector512.Load(z + j);
                        var dv = Vector512.Load(dp + j);
                        // p = 1 (k = 0): the ratio's power is 1, so its division is skipped; the same bits
                        var g = k == 0 ? dv * pw : dv * pw * Simd.Pow(zz / (Vector512.Load(r + j) * qw), k);
                        Vector512.ConditionalSelect(Vector512.GreaterThan(zz, Vector512<float>.Zero), g, Vector512<float>.Zero).Store(gz + j);
                        (dv * Vector512.Load(a + j)).Store(t + j);
                    }
                }
                var qv = Vector256.Create(s.NormalizeInput != 0 ? qm : 1f);
                var pv = Vector256.Create(p);
                for (; j + Simd.Width <= H; j += Simd.Width)
                {
                    var zz = Vector256.Load(z + j);
                    var dv = Vector256.Load(dp + j);
                    var g = k == 0 ? dv * pv : dv * pv * Simd.Pow(zz / (Vector256.Load(r + j) * qv), k);
                    Vector256.ConditionalSelect(Vector256.GreaterThan(zz, Vector256<float>.Zero), g, Vector256<float>.Zero).Store(gz + j);
                    (dv * Vector256.Load(a + j)).Store(t + j);
                }
            }
            for (; j < H; j++)
            {
                gz[j] = PReluMath.Backward(dp[j], z[j], r[j], qm, p, s.NormalizeInput);
                t[j] = dp[j] * a[j];
            }
        }
    }

    public static void WeightBackward(BatchShape s, float* u, float* theta, float* p, float* r, float* gz, float* t, float* dW)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden;
        var coefficient = new float[s.Networks * H]; // (1 − p)/r_j²·Σ_m t[b, m, j], 0 where r_j = 0
        fixed (float* co = coefficient)
        {
            float* cp = co;
            Parallel.For(0, s.Networks, b =>
            {
                float* cb = cp + b * H;
                for (int m = 0; m < M; m++)
                    Simd.Add(t + ((long)b * M + m) * H, cb, H);
                for (int j = 0; j < H; j++)
                {
                    float rj = r[b * H + j];
                    cb[j] = rj > 0f ? (1f - p[b]) / (rj * rj) * cb[j] : 0f;
                }
            });
            // dW_b [D, H] = U_bᵀ·Gz_b + coefficient_j·W_b: A(d, m) = u[m·D + d], B = Gz_b [M, H]
            Gemm.Batched(s.Networks, H, (b, col0, col1) =>
            {
                float* wb = theta + (long)b * D * H;
                var radial = new ScaledAdd(cp + b * H, false, wb, H);
                Gemm.Run(new Strided(u + (long)b * M * D, 1, D), new Strided(gz + (long)b * M * H, H, 1), dW + (long)b * D * H, H, D, M,
                    col0, col1, ref radial);
            });
        }
    }

    public static void InputBackward(BatchShape s, float* u, float* theta, float* p, float* q, float* gz, float* t, float* du)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden;
        var factor = new float[s.Networks * M]; // (1 − p)/q_m²·Σ_j t[b, m, j], 0 where q_m = 0
        bool normalize = s.NormalizeInput != 0;
        if (normalize)
        {
            Parallel.For(0, s.Networks * M, bm => factor[bm] = InputFactor(p[bm / M], q[bm], t + (long)bm * H, H));
        }
        fixed (float* fa = factor)
        {
            float* fp = fa;
            // dU_b [M, D] = Gz_b·W_bᵀ + factor_m·U_b: A = Gz_b [M, H], B(j, d) = W_b[d·H + j]
            Gemm.Batched(s.Networks, D, (b, col0, col1) =>
            {
                long row0 = (long)b * M;
                var radial = new ScaledAdd(normalize ? fp + row0 : null, true, u + row0 * D, D);
                Gemm.Run(new Strided(gz + row0 * H, H, 1), new Strided(theta + (long)b * D * H, 1, H), du + row0 * D, D, M, H, col0, col1,
                    ref radial);
            });
        }
    }

    /// <summary>The radial terms of dW and dU as a tile epilogue: c[i, j] += scale·x[i, j], with scale indexed by the
    /// tile's rows (dU: per sample) or columns (dW: per neuron); none when scale is null.</summary>
    internal readonly struct ScaledAdd(float* scale, bool perRow, float* x, long ldx) : ITileEpilogue
    {
        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            if (scale == null)
                return;
            for (int i = 0; i < rows; i++)
            {
                float* ci = c + i * ldc, xi = x + (row + i) * ldx + col;
                if (perRow)
                    Simd.Axpy(scale[row + i], xi, ci, cols);
                else
                    Simd.MultiplyAdd(scale + col, xi, ci, cols);
            }
        }
    }
}
