using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Bench;

/// <summary>A row of compare.csv: one phase of the comparison configuration run by one method. gflop is the work the paper's
/// method needs for the phase (the same for every method, so early exits count in the faster method's favour);
/// peak_fraction divides the rate by the engine device's measured FP32 peak; slowdown is seconds / the engine's.</summary>
public sealed record CompareRow(
    [property: Name("method")] string Method,
    [property: Name("runs_on")] string RunsOn,
    [property: Name("phase")] string Phase,
    [property: Name("seconds")] double Seconds,
    [property: Name("gflop")] double Gflop,
    [property: Name("gflops")] double Gflops,
    [property: Name("peak_fraction")] double PeakFraction,
    [property: Name("slowdown_vs_gpuprelu")] double Slowdown);
