using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of distance.csv: the estimated distance of one trained network f to one ideal classifier G (docs/design.md §1,
/// paper Fig. 2a): ideal "F" or "Fp" with its degree ideal_p, the least-squares scale c = E[f·G]/E[f²], and
/// distance = max over ‖x‖ = 1 of |c·f(x) − G(x)| found by the ascent (a lower bound of the true maximum).</summary>
public sealed record DistanceRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("ideal")] string Ideal,
    [property: Name("ideal_p")] double IdealP,
    [property: Name("scale")] double Scale,
    [property: Name("distance")] double Distance);
