using BenchmarkDotNet.Attributes;
using GpuPRelu.Devices;

namespace GpuPRelu.Bench;

/// <summary>The machine's FP32 FMA peak as the engine measures it (PeakProbe): reported as GFLOP/s in the result.</summary>
public class PeakBenchmark
{
    [Benchmark]
    public double FmaPeakGflops() => PeakProbe.MeasureGflops(rounds: 1, iterations: 10_000_000);
}
