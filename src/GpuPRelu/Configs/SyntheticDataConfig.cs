namespace GpuPRelu.Configs;

/// <summary>The subclass data of docs/design.md §1 as a config sets it (TrainConfig, AttackConfig, DataSpec): D inputs
/// (null: the networks'), K subclasses of which 1..K1 form the positive class, the intra-subclass std α (a grid, or one).</summary>
public sealed record SyntheticDataConfig(int? InputDim, int Subclasses, int PositiveSubclasses, IReadOnlyList<double> Alpha)
{
    /// <summary>Every rule this part breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (InputDim is < 1)
            e.Add($"input_dim must be ≥ 1, got {InputDim}");
        if (PositiveSubclasses < 1)
            e.Add($"positive_subclasses must be ≥ 1, got {PositiveSubclasses}");
        if (PositiveSubclasses >= Subclasses)
            e.Add($"positive_subclasses must be < subclasses ({Subclasses}) so both classes exist, got {PositiveSubclasses}");
        if (InputDim is >= 1 and var d && d < Subclasses)
            e.Add($"input_dim must be ≥ subclasses ({Subclasses}) to hold {Subclasses} orthonormal centers, got {d}");
        if (Alpha.Count == 0)
            e.Add("alpha must list at least one value");
        foreach (var a in Alpha.Where(a => !(a >= 0) || double.IsInfinity(a)))
            e.Add($"alpha must be ≥ 0 and finite, got {a}");
        if (Alpha.Distinct().Count() != Alpha.Count)
            e.Add($"alpha must not repeat a value (seeds give more networks of one α), got {string.Join(",", Alpha)}");
        return e;
    }
}
