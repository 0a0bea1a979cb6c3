using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Attacks;

/// <summary>A row of robust_accuracy.csv: one network (or ideal classifier) at one radius. attack "exact" rows come from
/// the exact radii of F (certified lower bounds for F^(p)); diverged networks report NaN.</summary>
public sealed record RobustAccuracyRow(
    [property: Name("network")] string Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("norm")] string Norm,
    [property: Name("attack")] string Attack,
    [property: Name("radius")] double Radius,
    [property: Name("robust_acc")] double RobustAcc,
    [property: Name("n")] int N);
