using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuPRelu.Devices.Managed;

/// <summary>The one matrix-product micro-kernel of the managed CPU path: C[i, n] = Σ_k A(i, k)·B(k, n) for a block of up
/// to 6 rows, with B packed into 16-column panels (contiguous K × 16 floats) and 6 × 16 results held in 12 Vector256
/// accumulators. Strides let one kernel serve z = U·W, dW = Uᵀ·G_z and dU = G_z·Wᵀ.</summary>
internal static unsafe class Gemm
{
    public const int Rows = 6;
    public const int Panel = 2 * Simd.Width;

    /// <summary>Floats a packed K × N operand takes.</summary>
    public static int PackedLength(int k, int n) => (n + Panel - 1) / Panel * Panel * k;

    /// <summary>Packs B(k, n) = b[k·sk + n·sn] into panels: packed[(p·K + k)·16 + c] = B(k, 16p + c), zero past N.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(float* b, long sk, long sn, int k, int n, float[] packed)
    {
        int panels = (n + Panel - 1) / Panel;
        fixed (float* dst = packed)
        {
            for (int p = 0; p < panels; p++)
            {
                int width = Math.Min(Panel, n - p * Panel);
                for (int kk = 0; kk < k; kk++)
                {
                    float* o = dst + ((long)p * k + kk) * Panel;
                    float* src = b + kk * sk + (long)p * Panel * sn;
                    for (int c = 0; c < width; c++)
                        o[c] = src[c * sn];
                    for (int c = width; c < Panel; c++)
                        o[c] = 0f;
                }
            }
        }
    }

    /// <summary>C[i, 0..N) = Σ_k a[i·rs + k·cs]·B(k, ·) for i &lt; rows ≤ 6, panel by panel; missing rows repeat row 0 and
    /// are not stored; a partial last panel goes through a scratch tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Block(float* a, long rs, long cs, int rows, int k, float* packed, int n, float* c, long ldc)
    {
        float* a0 = a, a1 = rows > 1 ? a + rs : a, a2 = rows > 2 ? a + 2 * rs : a;
        float* a3 = rows > 3 ? a + 3 * rs : a, a4 = rows > 4 ? a + 4 * rs : a, a5 = rows > 5 ? a + 5 * rs : a;
        int panels = (n + Panel - 1) / Panel;
        var tile = stackalloc float[Rows * Panel];
        for (int p = 0; p < panels; p++)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            float* b = packed + (long)p * k * Panel;
            long off = 0;
            for (int kk = 0; kk < k; kk++, off += cs, b += Panel)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + Simd.Width);
                var x = Vector256.Create(a0[off]);
                c00 = Simd.Fma(x, b0, c00);
                c01 = Simd.Fma(x, b1, c01);
                x = Vector256.Create(a1[off]);
                c10 = Simd.Fma(x, b0, c10);
                c11 = Simd.Fma(x, b1, c11);
                x = Vector256.Create(a2[off]);
                c20 = Simd.Fma(x, b0, c20);
                c21 = Simd.Fma(x, b1, c21);
                x = Vector256.Create(a3[off]);
                c30 = Simd.Fma(x, b0, c30);
                c31 = Simd.Fma(x, b1, c31);
                x = Vector256.Create(a4[off]);
                c40 = Simd.Fma(x, b0, c40);
                c41 = Simd.Fma(x, b1, c41);
                x = Vector256.Create(a5[off]);
                c50 = Simd.Fma(x, b0, c50);
                c51 = Simd.Fma(x, b1, c51);
            }
            int width = Math.Min(Panel, n - p * Panel);
            bool full = width == Panel;
            float* o = full ? c + (long)p * Panel : tile;
            long ld = full ? ldc : Panel;
            c00.Store(o);
            c01.Store(o + Simd.Width);
            if (rows > 1 || !full) { c10.Store(o + ld); c11.Store(o + ld + Simd.Width); }
            if (rows > 2 || !full) { c20.Store(o + 2 * ld); c21.Store(o + 2 * ld + Simd.Width); }
            if (rows > 3 || !full) { c30.Store(o + 3 * ld); c31.Store(o + 3 * ld + Simd.Width); }
            if (rows > 4 || !full) { c40.Store(o + 4 * ld); c41.Store(o + 4 * ld + Simd.Width); }
            if (rows > 5 || !full) { c50.Store(o + 5 * ld); c51.Store(o + 5 * ld + Simd.Width); }
            if (full)
                continue;
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < width; j++)
                    c[i * ldc + p * Panel + j] = tile[i * Panel + j];
            }
        }
    }

    /// <summary>C = A·B over the row range [begin, end) (one task's share), in blocks of 6 rows.</summary>
    public static void Product(float* a, long rs, long cs, int begin, int end, int k, float[] packed, int n, float* c, long ldc)
    {
        fixed (float* bp = packed)
        {
            for (int i = begin; i < end; i += Rows)
                Block(a + i * rs, rs, cs, Math.Min(Rows, end - i), k, bp, n, c + i * ldc, ldc);
        }
    }

    /// <summary>For every network b: pack its B once (`pack`), then `run(b, packed, begin, end)` over its rows. Many networks
    /// run one per task; few networks split their rows into 6-row-aligned chunks over all cores.</summary>
    public static void Batched(int networks, int rows, int packedLength, Action<int, float[]> pack, Action<int, float[], int, int> run)
    {
        int cores = Environment.ProcessorCount;
        if (networks >= 2 * cores)
        {
            Parallel.For(0, networks, b =>
            {
                var own = ArrayPool<float>.Shared.Rent(packedLength);
                pack(b, own);
                run(b, own, 0, rows);
                ArrayPool<float>.Shared.Return(own);
            });
            return;
        }
        var packed = ArrayPool<float>.Shared.Rent(packedLength);
        int chunk = ((rows + 2 * cores - 1) / (2 * cores) + Rows - 1) / Rows * Rows;
        for (int b = 0; b < networks; b++)
        {
            pack(b, packed);
            int net = b;
            Parallel.For(0, (rows + chunk - 1) / chunk, t => run(net, packed, t * chunk, Math.Min(rows, (t + 1) * chunk)));
        }
        ArrayPool<float>.Shared.Return(packed);
    }
}
