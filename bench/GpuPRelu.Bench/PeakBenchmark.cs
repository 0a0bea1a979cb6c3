using BenchmarkDotNet.Attributes;
using GpuPRelu.Devices;

namespace GpuPRelu.Bench;

/// <summary>The machine's FP32 FMA peak as the engine measures it (PeakProbe), per vector width: GFLOP/s in the result.</summary>
public class PeakBenchmark
{
    [Benchmark]
    public double FmaPeakGflopsVector256() => PeakProbe.MeasureGflops(256, rounds: 1, iterations: 10_000_000);

    [Benchmark]
    public double FmaPeakGflopsWidest() => PeakProbe.Measure(rounds: 1, iterations: 10_000_000).Gflops;
}
