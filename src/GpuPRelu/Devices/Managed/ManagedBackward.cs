using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;

namespace GpuPRelu.Devices.Managed;

/// <summary>The backward pass on the CPU: the same math as the kernels OutputBackward, HiddenBackward, WeightBackward and
/// InputBackward (DESIGN §1 exact gradients), dW = Uᵀ·Gz as 4 × 16 Vector256 register blocks.</summary>
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
                for (int j = 0; j < H; j++)
                {
                    float zz = z[row * H + j];
                    float scale = ManagedForward.Scale(s, r[b * H + j], q[row]);
                    gz[row * H + j] = zz > 0f ? delta[j] * pb * Simd.Pow(zz / scale, pb - 1f) : 0f;
                    t[row * H + j] = delta[j] * a[row * H + j];
                }
            }
        });
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
        var tiles = Tiles.For(s.Networks, D);
        Parallel.For(0, tiles.Count, task =>
        {
            var (b, begin, end) = tiles.Task(task);
            float* ub = u + (long)b * M * D, gb = gz + (long)b * M * H;
            float* wb = theta + (long)b * D * H, db = dW + (long)b * D * H;
            for (int d = begin; d < end; d += 4)
            {
                int rows = Math.Min(4, end - d);
                WeightBlock(M, D, H, ub, gb, d, rows, db);
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < H; j++)
                    {
                        float rj = r[b * H + j];
                        if (rj > 0f)
                            db[(d + i) * H + j] += (1f - p[b]) / (rj * rj) * radial[b * H + j] * wb[(d + i) * H + j];
                    }
                }
            }
        });
    }

    // dW[d..d+3, h..h+15] = Σ_m u[m, d..d+3] ⊗ gz[m, h..h+15]; missing rows repeat d and are not stored.
    private static void WeightBlock(int M, int D, int H, float* u, float* gz, int d, int rows, float* dW)
    {
        int d1 = rows > 1 ? d + 1 : d, d2 = rows > 2 ? d + 2 : d, d3 = rows > 3 ? d + 3 : d;
        int h = 0;
        for (; h + 2 * Simd.Width <= H; h += 2 * Simd.Width)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (int m = 0; m < M; m++)
            {
                var g0 = Vector256.Load(gz + (long)m * H + h);
                var g1 = Vector256.Load(gz + (long)m * H + h + Simd.Width);
                float* um = u + (long)m * D;
                var x = Vector256.Create(um[d]);
                a00 = Simd.Fma(x, g0, a00);
                a01 = Simd.Fma(x, g1, a01);
                x = Vector256.Create(um[d1]);
                a10 = Simd.Fma(x, g0, a10);
                a11 = Simd.Fma(x, g1, a11);
                x = Vector256.Create(um[d2]);
                a20 = Simd.Fma(x, g0, a20);
                a21 = Simd.Fma(x, g1, a21);
                x = Vector256.Create(um[d3]);
                a30 = Simd.Fma(x, g0, a30);
                a31 = Simd.Fma(x, g1, a31);
            }
            float* o = dW + (long)d * H + h;
            a00.Store(o);
            a01.Store(o + Simd.Width);
            if (rows > 1)
            {
                a10.Store(o + H);
                a11.Store(o + H + Simd.Width);
            }
            if (rows > 2)
            {
                a20.Store(o + 2 * H);
                a21.Store(o + 2 * H + Simd.Width);
            }
            if (rows > 3)
            {
                a30.Store(o + 3 * H);
                a31.Store(o + 3 * H + Simd.Width);
            }
        }
        for (; h < H; h++)
        {
            for (int i = 0; i < rows; i++)
            {
                float sum = 0f;
                for (int m = 0; m < M; m++)
                    sum += u[(long)m * D + d + i] * gz[(long)m * H + h];
                dW[(long)(d + i) * H + h] = sum;
            }
        }
    }

    public static void InputBackward(BatchShape s, float* u, float* theta, float* p, float* q, float* gz, float* t, float* du)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden;
        var tiles = Tiles.For(s.Networks, M);
        Parallel.For(0, tiles.Count, task =>
        {
            var (b, begin, end) = tiles.Task(task);
            float* wb = theta + (long)b * D * H;
            for (int m = begin; m < end; m++)
            {
                long row = (long)b * M + m;
                float* gm = gz + row * H;
                float radial = 0f;
                for (int j = 0; j < H; j++)
                    radial += t[row * H + j];
                float qm = q[row];
                float factor = s.NormalizeInput != 0 && qm > 0f ? (1f - p[b]) / (qm * qm) * radial : 0f;
                for (int d = 0; d < D; d++)
                    du[row * D + d] = Simd.Dot(gm, wb + (long)d * H, H) + factor * u[row * D + d];
            }
        });
    }
}
