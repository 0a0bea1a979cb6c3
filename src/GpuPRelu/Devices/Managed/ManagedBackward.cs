using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Network;

namespace GpuPRelu.Devices.Managed;

/// <summary>The backward pass on the CPU: the same math as the kernels OutputBackward, HiddenBackward, WeightBackward and
/// InputBackward (DESIGN §1 exact gradients); dW = Uᵀ·G_z and dU = G_z·Wᵀ by the Gemm micro-kernel.</summary>
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
            for (int m = 0; m < M; m++)
            {
                float gc = g[((long)b * M + m) * C + c];
                float* am = a + ((long)b * M + m) * H;
                db += gc;
                for (int j = 0; j < H; j++)
                    dv[j] += am[j] * gc;
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
            for (int m = begin; m < end; m++)
            {
                long row = (long)b * M + m;
                Array.Clear(delta);
                for (int c = 0; c < C; c++)
                {
                    float gc = g[row * C + c];
                    for (int j = 0; j < H; j++)
                        delta[j] += vt[(b * C + c) * H + j] * gc;
                }
                HiddenRow(s, z + row * H, a + row * H, delta, pb, r + b * H, q[row], gz + row * H, t + row * H);
            }
        });
    }

    /// <summary>gz = δ·p·(z/(r·q))^(p−1) for z &gt; 0 else 0, t = δ·a over one row; vectorized for integer p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HiddenRow(BatchShape s, float* z, float* a, float[] delta, float p, float* r, float qm, float* gz, float* t)
    {
        int H = s.Hidden, j = 0, k = Simd.IntegerExponent(p);
        fixed (float* dp = delta)
        {
            if (k >= 0)
            {
                var qv = Vector256.Create(s.NormalizeInput != 0 ? qm : 1f);
                var pv = Vector256.Create(p);
                for (; j + Simd.Width <= H; j += Simd.Width)
                {
                    var zz = Vector256.Load(z + j);
                    var dv = Vector256.Load(dp + j);
                    var g = dv * pv * Simd.Pow(zz / (Vector256.Load(r + j) * qv), k);
                    Vector256.ConditionalSelect(Vector256.GreaterThan(zz, Vector256<float>.Zero), g, Vector256<float>.Zero).Store(gz + j);
                    (dv * Vector256.Load(a + j)).Store(t + j);
                }
            }
            for (; j < H; j++)
            {
                float zz = z[j], scale = ManagedForward.Scale(s, r[j], qm);
                gz[j] = zz > 0f ? dp[j] * p * PReluMath.Pow(zz / scale, p - 1f) : 0f;
                t[j] = dp[j] * a[j];
            }
        }
    }

    public static void WeightBackward(BatchShape s, float* u, float* theta, float* p, float* r, float* gz, float* t, float* dW)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden;
        var radial = new float[s.Networks * H]; // Σ_m t[b, m, j]
        Parallel.For(0, s.Networks, b =>
        {
            for (int m = 0; m < M; m++)
            {
                for (int j = 0; j < H; j++)
                    radial[b * H + j] += t[((long)b * M + m) * H + j];
            }
        });
        // dW_b [D, H] = U_bᵀ·Gz_b: A(d, m) = u[m·D + d], B = Gz_b [M, H]
        Gemm.Batched(s.Networks, D, Gemm.PackedLength(M, H),
            (b, packed) => Gemm.Pack(gz + (long)b * M * H, H, 1, M, H, packed),
            (b, packed, begin, end) =>
            {
                float* wb = theta + (long)b * D * H, db = dW + (long)b * D * H;
                Gemm.Product(u + (long)b * M * D, 1, D, begin, end, M, packed, H, db, H);
                for (int d = begin; d < end; d++)
                {
                    for (int j = 0; j < H; j++)
                    {
                        float rj = r[b * H + j];
                        if (rj > 0f)
                            db[d * H + j] += (1f - p[b]) / (rj * rj) * radial[b * H + j] * wb[d * H + j];
                    }
                }
            });
    }

    public static void InputBackward(BatchShape s, float* u, float* theta, float* p, float* q, float* gz, float* t, float* du)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden;
        // dU_b [M, D] = Gz_b·W_bᵀ: A = Gz_b [M, H], B(j, d) = W_b[d·H + j]
        Gemm.Batched(s.Networks, M, Gemm.PackedLength(H, D),
            (b, packed) => Gemm.Pack(theta + (long)b * D * H, 1, H, H, D, packed),
            (b, packed, begin, end) =>
            {
                long row0 = (long)b * M;
                Gemm.Product(gz + row0 * H, H, 1, begin, end, H, packed, D, du + row0 * D, D);
                if (s.NormalizeInput == 0)
                    return;
                for (int m = begin; m < end; m++)
                {
                    long row = row0 + m;
                    float radial = 0f, qm = q[row];
                    for (int j = 0; j < H; j++)
                        radial += t[row * H + j];
                    float factor = qm > 0f ? (1f - p[b]) / (qm * qm) * radial : 0f;
                    for (int d = 0; d < D; d++)
                        du[row * D + d] += factor * u[row * D + d];
                }
            });
    }
}
