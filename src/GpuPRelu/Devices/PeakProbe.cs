using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace GpuPRelu.Devices;

/// <summary>The machine's FP32 FMA peak, measured: every core runs a loop of independent Vector256 fused multiply-adds
/// (12 accumulator chains hide the FMA latency), counted as 2 flops per lane.</summary>
public static class PeakProbe
{
    /// <summary>GFLOP/s over all cores, the best of `rounds` timed rounds.</summary>
    public static double MeasureGflops(int rounds = 5, long iterations = 20_000_000)
    {
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var sinks = new float[Environment.ProcessorCount];
            Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                core => sinks[core] = Chains(iterations / 10));
            double seconds = clock.Elapsed.TotalSeconds;
            double flops = 2.0 * Vector256<float>.Count * 12 * (iterations / 10) * Environment.ProcessorCount;
            best = Math.Max(best, flops / seconds / 1e9);
            GC.KeepAlive(sinks);
        }
        return best;
    }

    private static float Chains(long n)
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
}
