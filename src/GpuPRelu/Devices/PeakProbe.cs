using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuPRelu.Devices;

/// <summary>The machine's FP32 FMA peak, measured: every core runs a loop of independent fused multiply-adds (12
/// accumulator chains hide the FMA latency), counted as 2 flops per lane, at each vector width the CPU accelerates.
/// The peak is the widest width's rate where it is faster: on AVX-512 CPUs with full-width units (Zen 5, Xeon with two
/// FMA ports) Vector512 doubles Vector256's rate; where 512-bit FMAs are split in two (Zen 4) both measure the same.</summary>
public static class PeakProbe
{
    /// <summary>GFLOP/s over all cores at the fastest accelerated width, and that width's name ("Vector256" or
    /// "Vector512"); the best of `rounds` timed rounds per width.</summary>
    public static (double Gflops, string Vector) Measure(int rounds = 5, long iterations = 20_000_000)
    {
        double v256 = MeasureGflops(256, rounds, iterations);
        if (!Vector512.IsHardwareAccelerated)
            return (v256, "Vector256");
        double v512 = MeasureGflops(512, rounds, iterations);
        return v512 > v256 ? (v512, "Vector512") : (v256, "Vector256");
    }

    /// <summary>GFLOP/s over all cores with `bits`-wide vectors (256, or 512 where Vector512 is accelerated), the best of
    /// `rounds` timed rounds.</summary>
    public static double MeasureGflops(int bits, int rounds = 5, long iterations = 20_000_000)
    {
        if (bits != 256 && !(bits == 512 && Vector512.IsHardwareAccelerated))
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "256, or 512 where Vector512 is hardware-accelerated");
        int cores = Environment.ProcessorCount, lanes = bits / 32;
        long loops = iterations / 10;
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            var sinks = new float[cores];
            var clock = Stopwatch.StartNew();
            Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores },
                core => sinks[core] = bits == 512 ? Chains512(loops) : Chains256(loops));
            double seconds = clock.Elapsed.TotalSeconds;
            best = Math.Max(best, 2.0 * lanes * 12 * loops * cores / seconds / 1e9);
            GC.KeepAlive(sinks);
        }
        return best;
    }

    /// <summary>GFLOP/s of one thread's chains at `bits` (256 or 512), timed once over `loops` trips: a quick probe.</summary>
    internal static double SingleCoreGflops(int bits, long loops)
    {
        var clock = Stopwatch.StartNew();
        float sink = bits == 512 ? Chains512(loops) : Chains256(loops);
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return 2.0 * (bits / 32) * 12 * loops / seconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long n)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    // the same 12 chains on 512-bit registers (AVX-512 has 32 of them; 12 + 2 constants fit either way)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long n)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
