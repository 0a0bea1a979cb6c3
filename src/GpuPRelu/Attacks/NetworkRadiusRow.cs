using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Attacks;

/// <summary>A row of min_radius.csv for trained networks (attack --network): one test point, its label and the smallest
/// perturbation norm FAB-T found for it, an upper bound on its true minimal adversarial radius in that norm (the radii of
/// F and F^(p), --model, are exact instead: MinRadiusRow). source says what the number is: "fab-t upper bound", "clean"
/// (misclassified clean: 0) or "none found" (radius_upper empty).</summary>
public sealed record NetworkRadiusRow(
    [property: Name("network")] string Network,
    [property: Name("p")] double P,
    [property: Name("point")] int Point,
    [property: Name("label")] int Label,
    [property: Name("norm")] string Norm,
    [property: Name("radius_upper")] double? RadiusUpper,
    [property: Name("source")] string Source);
