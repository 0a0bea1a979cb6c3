using GpuPRelu.Attacks;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>What `gpuprelu attack` runs: the model (a networks file, or the ideal classifiers F / F^(p) on the data's
/// centers), the synthetic test data (each network's own α and seed when its file records them), and the attack.</summary>
public sealed record AttackConfig
{
    public string? NetworkFile { get; init; }
    public IdealKind? Model { get; init; }
    public IReadOnlyList<double> P { get; init; } = [3];
    public int? InputDim { get; init; }
    public int Subclasses { get; init; } = 10;
    public int PositiveSubclasses { get; init; } = 6;
    public bool RandomCenters { get; init; }
    public double Alpha { get; init; } = 0.01;
    public int Seed { get; init; }
    public int N { get; init; } = 1000;
    public AttackNorm Norm { get; init; } = AttackNorm.L2;
    public string Attack { get; init; } = "pgd";
    public IReadOnlyList<double> Radii { get; init; } = Experiments.ValueList.Linspace(0, 1.5, 15);
    public int Steps { get; init; } = 2000;
    public double StepSize { get; init; } = 0.1;
    public double? BoxLo { get; init; }
    public double? BoxHi { get; init; }
    public bool MinRadius { get; init; }
    public bool RandomStart { get; init; }
    public int Restarts { get; init; } = 1;

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if ((NetworkFile is null) == (Model is null))
            e.Add("give exactly one of network (a .safetensors file) and model (F or Fp)");
        if (Attack != "pgd")
            e.Add($"attack must be pgd (APGD is not in this version), got {Attack}");
        if (InputDim is < 1)
            e.Add($"input_dim must be ≥ 1, got {InputDim}");
        if (PositiveSubclasses < 1 || PositiveSubclasses >= Subclasses)
            e.Add($"positive_subclasses must be ≥ 1 and < subclasses ({Subclasses}) so both classes exist, got {PositiveSubclasses}");
        if (InputDim is { } d && d < Subclasses)
            e.Add($"input_dim must be ≥ subclasses ({Subclasses}) for orthonormal centers, got {d}");
        if (!(Alpha >= 0) || double.IsInfinity(Alpha))
            e.Add($"alpha must be ≥ 0 and finite, got {Alpha}");
        if (N < 1)
            e.Add($"n must be ≥ 1, got {N}");
        foreach (var p in P.Where(p => !(p >= 1) || double.IsInfinity(p)))
            e.Add($"p must be ≥ 1 and finite, got {p}");
        foreach (var r in Radii.Where(r => !(r >= 0) || double.IsInfinity(r)))
            e.Add($"radii must be ≥ 0 and finite, got {r}");
        if (Radii.Count == 0 || Radii.Zip(Radii.Skip(1)).Any(pair => pair.Second <= pair.First))
            e.Add("radii must be a non-empty increasing list");
        e.AddRange(new PgdOptions(Norm, Steps, StepSize, Training.LossKind.Exp, BoxLo, BoxHi, RandomStart, Restarts).Validate());
        return e;
    }
}
