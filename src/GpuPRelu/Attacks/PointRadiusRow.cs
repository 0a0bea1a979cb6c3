using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Attacks;

/// <summary>A row of a study's min_radius.csv (fig2/fig5 --min-radius): one attacked test point of a trained network or of
/// an ideal classifier (F, F^(p)) on the same points, and its l2 radius. bound says what the number is: "fab-t upper
/// bound" (a trained network: the smallest perturbation FAB-T found), "exact" (F, and F^(p) for p ≥ 2), "certified
/// lower" (F^(p) for 1 &lt; p &lt; 2), "clean" (misclassified: 0) or "none found" (radius empty).</summary>
public sealed record PointRadiusRow(
    [property: Name("network")] string Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("point")] int Point,
    [property: Name("label")] int Label,
    [property: Name("radius")] double? Radius,
    [property: Name("bound")] string Bound);
