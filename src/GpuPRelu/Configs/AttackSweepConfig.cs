namespace GpuPRelu.Configs;

/// <summary>The radii an attack sweeps (StudyConfig, RealConfig, AttackConfig): increasing, each ≥ 0 and finite, in the
/// norm of the attack.</summary>
public sealed record AttackSweepConfig(IReadOnlyList<double> Radii)
{
    /// <summary>Every rule this part breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        foreach (var r in Radii.Where(r => !(r >= 0) || double.IsInfinity(r)))
            e.Add($"radii must be ≥ 0 and finite, got {r}");
        if (Radii.Count == 0 || Radii.Zip(Radii.Skip(1)).Any(pair => pair.Second <= pair.First))
            e.Add("radii must be a non-empty increasing list");
        return e;
    }
}
