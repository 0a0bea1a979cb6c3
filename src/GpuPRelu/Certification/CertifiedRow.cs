using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Certification;

/// <summary>A row of certified.csv: one network and test point, its proven radius and how it was proven; with an attack,
/// the smallest radius the attack broke it at (fab-t's norm where smaller; empty where it stayed robust) and the gap
/// attack_radius − certified_radius.</summary>
public sealed record CertifiedRow(
    [property: Name("network")] string Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("point")] int Point,
    [property: Name("label")] int Label,
    [property: Name("norm")] string Norm,
    [property: Name("certified_radius")] double CertifiedRadius,
    [property: Name("method")] string Method,
    [property: Name("attack_radius")] double? AttackRadius,
    [property: Name("gap")] double? Gap);
