using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Bench;

/// <summary>A row of bench.csv: one measured operation on one configuration. gflops counts the multiply-adds of the
/// matrix products only (2 flops each); peak_fraction divides by the measured peak of the device (NaN when unknown).
/// seconds_per_call is the fastest of the timed calls, mean_seconds_per_call their mean (the cores may be shared).</summary>
public sealed record BenchRow(
    [property: Name("config")] string Config,
    [property: Name("device")] string Device,
    [property: Name("operation")] string Operation,
    [property: Name("shape")] string Shape,
    [property: Name("calls")] int Calls,
    [property: Name("seconds_per_call")] double SecondsPerCall,
    [property: Name("mean_seconds_per_call")] double MeanSecondsPerCall,
    [property: Name("rate")] double Rate,
    [property: Name("rate_unit")] string RateUnit,
    [property: Name("gflops")] double Gflops,
    [property: Name("peak_fraction")] double PeakFraction);
