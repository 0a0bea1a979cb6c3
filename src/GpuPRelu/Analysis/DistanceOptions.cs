using GpuPRelu.Models;

namespace GpuPRelu.Analysis;

/// <summary>The distance estimate of docs/design.md §1 (paper Fig. 2a), defaults the reference's: the scale c from ScaleSamples
/// fresh samples (10 batches of 1000), then Steps steps of StepSize along the normalized gradient of (c·f − G)² on the
/// unit sphere from Starts uniform starting points, Repeats times; the reported distance is the largest |c·f − G| seen.
/// Ideals lists the classifiers G measured against: F, and F^(p) with each network's own p.</summary>
public sealed record DistanceOptions
{
    public IReadOnlyList<IdealKind> Ideals { get; init; } = [IdealKind.F, IdealKind.Fp];
    public int ScaleSamples { get; init; } = 10_000;
    public int Steps { get; init; } = 2000;
    public int Starts { get; init; } = 1000;
    public int Repeats { get; init; } = 10;
    public double StepSize { get; init; } = 0.01;

    /// <summary>Every rule these options break, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Ideals.Count == 0)
            e.Add("dist_ideals must list at least one of F, Fp");
        if (ScaleSamples < 1)
            e.Add($"dist_scale_samples must be ≥ 1, got {ScaleSamples}");
        if (Steps < 0)
            e.Add($"dist_steps must be ≥ 0, got {Steps}");
        if (Starts < 1)
            e.Add($"dist_starts must be ≥ 1, got {Starts}");
        if (Repeats < 1)
            e.Add($"dist_repeats must be ≥ 1, got {Repeats}");
        if (!(StepSize > 0) || double.IsInfinity(StepSize))
            e.Add($"dist_step_size must be > 0 and finite, got {StepSize}");
        return e;
    }
}
