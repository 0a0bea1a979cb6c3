using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;

namespace GpuPRelu.Devices.Managed;

/// <summary>The forward pass on the CPU with Vector256 register blocks: the same math as the kernels ColumnNorms,
/// InputNorms, PReluForward and OutputForward (DESIGN §1), z = U·W fused with the pReLU and the output layer.</summary>
internal static unsafe class ManagedForward
{
    public static void ColumnNorms(BatchShape s, float* theta, float* r)
    {
        int D = s.Inputs, H = s.Hidden;
        Parallel.For(0, s.Networks, b =>
        {
            float* w = theta + (long)b * D * H, rb = r + b * H;
            for (int j = 0; j < H; j++)
                rb[j] = 0f;
            for (int d = 0; d < D; d++)
            {
                for (int j = 0; j < H; j++)
                    rb[j] += w[d * H + j] * w[d * H + j];
            }
            for (int j = 0; j < H; j++)
                rb[j] = MathF.Sqrt(rb[j]);
        });
    }

    public static void InputNorms(BatchShape s, float* u, float* q)
    {
        int D = s.Inputs;
        Parallel.For(0, s.Networks * s.Samples, bm => q[bm] = MathF.Sqrt(Simd.Dot(u + (long)bm * D, u + (long)bm * D, D)));
    }

    /// <summary>z, a [B, M, H] and f [B, M, C] from u [B, M, D] and θ; r [B, H], q [B, M] as the kernels take them.</summary>
    public static void Forward(BatchShape s, float* u, float* theta, float* p, float* r, float* q, float* z, float* a, float* f)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden, C = s.Outputs;
        var vt = Transposed(s, theta);
        var tiles = Tiles.For(s.Networks, M);
        Parallel.For(0, tiles.Count, t =>
        {
            var (b, begin, end) = tiles.Task(t);
            float* w = theta + (long)b * D * H;
            for (int m = begin; m < end; m += 4)
            {
                long row = (long)b * M + m;
                int rows = Math.Min(4, end - m);
                HiddenBlock(s, u + row * D, w, p[b], r + b * H, q + row, z + row * H, a + row * H, rows);
                for (int i = 0; i < rows; i++)
                {
                    for (int c = 0; c < C; c++)
                    {
                        float bias = s.HasBias != 0 ? theta[s.BiasOffset + b * C + c] : 0f;
                        fixed (float* v = &vt[(b * C + c) * H])
                            f[(row + i) * C + c] = bias + Simd.Dot(a + (row + i) * H, v, H);
                    }
                }
            }
        });
    }

    /// <summary>V [B, H, C] as [B, C, H], so each output is a contiguous dot product.</summary>
    public static float[] Transposed(BatchShape s, float* theta)
    {
        int H = s.Hidden, C = s.Outputs;
        var vt = new float[s.Networks * C * H];
        for (int b = 0; b < s.Networks; b++)
        {
            for (int j = 0; j < H; j++)
            {
                for (int c = 0; c < C; c++)
                    vt[(b * C + c) * H + j] = theta[s.VOffset + (b * H + j) * C + c];
            }
        }
        return vt;
    }

    // 4 rows × 16 columns per register block (8 accumulators); missing rows repeat row 0 and are not stored.
    private static void HiddenBlock(BatchShape s, float* u, float* w, float p, float* r, float* q, float* z, float* a, int rows)
    {
        int D = s.Inputs, H = s.Hidden;
        float* u0 = u, u1 = rows > 1 ? u + D : u, u2 = rows > 2 ? u + 2 * D : u, u3 = rows > 3 ? u + 3 * D : u;
        int k = Simd.IntegerExponent(p);
        int h = 0;
        for (; h + 2 * Simd.Width <= H; h += 2 * Simd.Width)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (int d = 0; d < D; d++)
            {
                var w0 = Vector256.Load(w + d * H + h);
                var w1 = Vector256.Load(w + d * H + h + Simd.Width);
                var x = Vector256.Create(u0[d]);
                a00 = Simd.Fma(x, w0, a00);
                a01 = Simd.Fma(x, w1, a01);
                x = Vector256.Create(u1[d]);
                a10 = Simd.Fma(x, w0, a10);
                a11 = Simd.Fma(x, w1, a11);
                x = Vector256.Create(u2[d]);
                a20 = Simd.Fma(x, w0, a20);
                a21 = Simd.Fma(x, w1, a21);
                x = Vector256.Create(u3[d]);
                a30 = Simd.Fma(x, w0, a30);
                a31 = Simd.Fma(x, w1, a31);
            }
            Store(s, a00, a01, 0, h, p, k, r, q, z, a);
            if (rows > 1)
                Store(s, a10, a11, 1, h, p, k, r, q, z, a);
            if (rows > 2)
                Store(s, a20, a21, 2, h, p, k, r, q, z, a);
            if (rows > 3)
                Store(s, a30, a31, 3, h, p, k, r, q, z, a);
        }
        for (; h < H; h++)
        {
            for (int i = 0; i < rows; i++)
            {
                float zz = 0f;
                for (int d = 0; d < D; d++)
                    zz += u[i * D + d] * w[d * H + h];
                z[i * H + h] = zz;
                a[i * H + h] = Activation(zz, p, Scale(s, r[h], q[i]));
            }
        }
    }

    private static void Store(BatchShape s, Vector256<float> lo, Vector256<float> hi, int i, int h, float p, int k, float* r,
        float* q, float* z, float* a)
    {
        for (int half = 0; half < 2; half++)
        {
            var zz = half == 0 ? lo : hi;
            int j = h + half * Simd.Width;
            zz.Store(z + i * s.Hidden + j);
            if (k < 0)
            {
                for (int e = 0; e < Simd.Width; e++)
                    a[i * s.Hidden + j + e] = Activation(zz[e], p, Scale(s, r[j + e], q[i]));
                continue;
            }
            var scale = Vector256.Load(r + j);
            if (s.NormalizeInput != 0)
                scale *= Vector256.Create(q[i]);
            var act = zz * Simd.Pow(zz / scale, k);
            Vector256.ConditionalSelect(Vector256.GreaterThan(zz, Vector256<float>.Zero), act, Vector256<float>.Zero)
                .Store(a + i * s.Hidden + j);
        }
    }

    public static float Scale(BatchShape s, float r, float q) => s.NormalizeInput != 0 ? r * q : r;

    public static float Activation(float z, float p, float scale) => z > 0f ? z * Simd.Pow(z / scale, p - 1f) : 0f;
}
