using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuPRelu.Devices.Managed;

/// <summary>Vector pieces of the managed CPU path: fused multiply-add, the pReLU power and horizontal sums; 16 floats at a
/// time (Vector512) where Wide, with the same operations per element and the same partial sums as 8 at a time.</summary>
internal static class Simd
{
    public const int Width = 8; // floats per Vector256

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);

    /// <summary>ratio^k for an integer k ≥ 0 by repeated multiplication (k = p − 1 for p ∈ {1, 2, 3, …}).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow(Vector256<float> ratio, int k)
    {
        var y = Vector256<float>.One;
        for (int i = 0; i < k; i++)
            y *= ratio;
        return y;
    }

    /// <summary>Pow on Vector512: the same multiplications per lane, so the same bits as the Vector256 version.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow(Vector512<float> ratio, int k)
    {
        var y = Vector512<float>.One;
        for (int i = 0; i < k; i++)
            y *= ratio;
        return y;
    }

    /// <summary>True where elementwise loops take 16 floats at a time (Vector512); per element they do the same
    /// operations as the 8-float loops, so results do not depend on it. Reductions keep Vector256's order.</summary>
    public static bool Wide => Gemm.Wide;

    /// <summary>"Vector512" or "Vector256": what the managed path runs on this CPU (device descriptions, manifests).</summary>
    public static string WidthName => Wide ? "Vector512" : "Vector256";

    /// <summary>p − 1 as an integer when p is one of 1..9, else −1 (then the scalar Pow runs).</summary>
    public static int IntegerExponent(float p)
    {
        float e = p - 1f;
        int k = (int)e;
        return k == e && k >= 0 && k <= 8 ? k : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Vector256.Sum(v);

    /// <summary>acc[i] += a·x[i] over n floats.</summary>
    public static unsafe void Axpy(float a, float* x, float* acc, int n)
    {
        var av = Vector256.Create(a);
        int i = 0;
        if (Wide)
        {
            var aw = Vector512.Create(a);
            for (; i + 2 * Width <= n; i += 2 * Width)
                Vector512.FusedMultiplyAdd(aw, Vector512.Load(x + i), Vector512.Load(acc + i)).Store(acc + i);
        }
        for (; i + Width <= n; i += Width)
            Fma(av, Vector256.Load(x + i), Vector256.Load(acc + i)).Store(acc + i);
        for (; i < n; i++)
            acc[i] += a * x[i];
    }

    /// <summary>acc[i] += a[i]·x[i] over n floats: fused where whole vectors reach, the rest (n mod 8) rounded twice, as
    /// Axpy does with one a.</summary>
    public static unsafe void MultiplyAdd(float* a, float* x, float* acc, int n)
    {
        int i = 0;
        if (Wide)
        {
            for (; i + 2 * Width <= n; i += 2 * Width)
                Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(x + i), Vector512.Load(acc + i)).Store(acc + i);
        }
        for (; i + Width <= n; i += Width)
            Fma(Vector256.Load(a + i), Vector256.Load(x + i), Vector256.Load(acc + i)).Store(acc + i);
        for (; i < n; i++)
            acc[i] += a[i] * x[i];
    }

    /// <summary>acc[i] += x[i] over n floats.</summary>
    public static unsafe void Add(float* x, float* acc, int n)
    {
        int i = 0;
        if (Wide)
        {
            for (; i + 2 * Width <= n; i += 2 * Width)
                (Vector512.Load(acc + i) + Vector512.Load(x + i)).Store(acc + i);
        }
        for (; i + Width <= n; i += Width)
            (Vector256.Load(acc + i) + Vector256.Load(x + i)).Store(acc + i);
        for (; i < n; i++)
            acc[i] += x[i];
    }

    /// <summary>acc[i] += x[i]·a over n floats, the product rounded before the sum (no fused multiply-add): the same bits
    /// as the scalar loop it replaces, element by element.</summary>
    public static unsafe void AddScaled(float* x, float a, float* acc, int n)
    {
        int i = 0;
        if (Wide)
        {
            var aw = Vector512.Create(a);
            for (; i + 2 * Width <= n; i += 2 * Width)
                (Vector512.Load(acc + i) + Vector512.Load(x + i) * aw).Store(acc + i);
        }
        var av = Vector256.Create(a);
        for (; i + Width <= n; i += Width)
            (Vector256.Load(acc + i) + Vector256.Load(x + i) * av).Store(acc + i);
        for (; i < n; i++)
            acc[i] += x[i] * a;
    }

    /// <summary>acc[i] += x[i]·x[i] over n floats, the square rounded before the sum, as the scalar loop.</summary>
    public static unsafe void AddSquares(float* x, float* acc, int n)
    {
        int i = 0;
        if (Wide)
        {
            for (; i + 2 * Width <= n; i += 2 * Width)
            {
                var v = Vector512.Load(x + i);
                (Vector512.Load(acc + i) + v * v).Store(acc + i);
            }
        }
        for (; i + Width <= n; i += Width)
        {
            var v = Vector256.Load(x + i);
            (Vector256.Load(acc + i) + v * v).Store(acc + i);
        }
        for (; i < n; i++)
            acc[i] += x[i] * x[i];
    }

    /// <summary>dst[i] = x[i] − y[i] over n floats.</summary>
    public static unsafe void Subtract(float* x, float* y, float* dst, int n)
    {
        int i = 0;
        if (Wide)
        {
            for (; i + 2 * Width <= n; i += 2 * Width)
                (Vector512.Load(x + i) - Vector512.Load(y + i)).Store(dst + i);
        }
        for (; i + Width <= n; i += Width)
            (Vector256.Load(x + i) - Vector256.Load(y + i)).Store(dst + i);
        for (; i < n; i++)
            dst[i] = x[i] - y[i];
    }

    /// <summary>Σ x[i] over n floats.</summary>
    public static unsafe float Sum(float* x, int n)
    {
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + Width <= n; i += Width)
            acc += Vector256.Load(x + i);
        float sum = Sum(acc);
        for (; i < n; i++)
            sum += x[i];
        return sum;
    }

    /// <summary>Σ x[i]·y[i] over n floats: two 8-lane partial sums over 16-float steps, then their sum. The Vector512
    /// loop keeps the same partial sums in its lower and upper halves, so both give the same bits.</summary>
    public static unsafe float Dot(float* x, float* y, int n)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        int i = 0;
        if (Wide)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 2 * Width <= n; i += 2 * Width)
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), acc);
            acc0 = acc.GetLower();
            acc1 = acc.GetUpper();
        }
        for (; i + 2 * Width <= n; i += 2 * Width)
        {
            acc0 = Fma(Vector256.Load(x + i), Vector256.Load(y + i), acc0);
            acc1 = Fma(Vector256.Load(x + i + Width), Vector256.Load(y + i + Width), acc1);
        }
        float sum = Sum(acc0 + acc1);
        for (; i < n; i++)
            sum += x[i] * y[i];
        return sum;
    }
}
