namespace GpuPRelu.Attacks;

/// <summary>What the attacks of one `gpuprelu attack` run read (each attack builds its options from it: PgdOptions.Of,
/// ApgdOptions.Of, FabOptions.Of, SquareOptions.Of): the norm, the radii (ascending), the iterations (resolved), the
/// options the user gave (null: the attack's default) and MinimalNorms, true when a minimal-norm attack must search each
/// point's smallest norm instead of stopping at the grid's smallest radius (min_radius.csv, per-point norms, examples).</summary>
public sealed record AttackSettings(AttackNorm Norm, IReadOnlyList<double> Radii, int Steps, double? StepSize = null, int Restarts = 1,
    bool RandomStart = false, double? BoxLo = null, double? BoxHi = null, int Seed = 0, int? Targets = null, int? Queries = null,
    bool SquareSharedDraws = false, bool MinimalNorms = false)
{
    /// <summary>Polled at every step of every attack built from these settings (their options' Cancel).</summary>
    public CancellationToken Cancel { get; init; }
}
