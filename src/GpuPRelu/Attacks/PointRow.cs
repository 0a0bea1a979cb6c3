using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Attacks;

/// <summary>A row of points.csv: one test point of one network under an evaluation. broken_at is the smallest radius of
/// the grid at which the point was broken (the first radius where it is misclassified clean; empty where it stayed
/// robust at every radius), attack the attack that broke it there ("clean" for a misclassified point) and perturbation
/// the norm (the attack's) of the adversarial example it found (0 for clean; empty where robust).</summary>
public sealed record PointRow(
    [property: Name("network")] string Network,
    [property: Name("point")] int Point,
    [property: Name("label")] int Label,
    [property: Name("clean_correct")] bool CleanCorrect,
    [property: Name("broken_at")] double? BrokenAt,
    [property: Name("attack")] string Attack,
    [property: Name("perturbation")] double? Perturbation);
