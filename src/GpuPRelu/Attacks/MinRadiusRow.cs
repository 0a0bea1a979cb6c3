using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Attacks;

/// <summary>A row of min_radius.csv: one test point of an ideal classifier, its label and the bracket of its minimal l2
/// adversarial radius (equal ends where exact: F, and F^(p) for p ≥ 2).</summary>
public sealed record MinRadiusRow(
    [property: Name("network")] string Network,
    [property: Name("p")] double P,
    [property: Name("point")] int Point,
    [property: Name("label")] int Label,
    [property: Name("radius_lower")] double RadiusLower,
    [property: Name("radius_upper")] double RadiusUpper);
