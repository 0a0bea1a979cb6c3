using System.Globalization;

namespace GpuPRelu.Sweeps;

/// <summary>How a sweep is planned: the phases, the memory a batch may plan into (a config value, not the device's, so a
/// plan and its hash are the same on every machine and shard), and the bound on networks.</summary>
public sealed record SweepOptions
{
    public SweepPhases Phases { get; init; } = SweepPhases.All;

    /// <summary>MiB a batch's buffers may take on its device (MemoryPlan); larger groups are split.</summary>
    public long BatchMemoryMib { get; init; } = 8192;

    /// <summary>Refuse grids of more networks than this unless AllowLarge.</summary>
    public long MaxNetworks { get; init; } = 100_000;

    public bool AllowLarge { get; init; }

    /// <summary>Every rule these options break, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (BatchMemoryMib < 1)
            e.Add($"batch_memory_mib must be ≥ 1, got {BatchMemoryMib}");
        if (MaxNetworks < 1)
            e.Add($"max_networks must be ≥ 1, got {MaxNetworks}");
        return e;
    }

    /// <summary>Parses "train,alignment,attack,distance" (train is required: the others read the trained networks).</summary>
    public static SweepPhases ParsePhases(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        SweepPhases phases = 0;
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            phases |= name.ToLowerInvariant() switch
            {
                "train" => SweepPhases.Train,
                "alignment" => SweepPhases.Alignment,
                "attack" => SweepPhases.Attack,
                "distance" => SweepPhases.Distance,
                _ => throw new FormatException($"phases: '{name}' is not one of train, alignment, attack, distance"),
            };
        }
        if (!phases.HasFlag(SweepPhases.Train))
            throw new FormatException($"phases: '{text}' must include train (the other phases read the trained networks)");
        return phases;
    }

    /// <summary>"train,alignment,attack,distance" for the phases set.</summary>
    public static string Name(SweepPhases phases) => string.Join(",",
        new[] { SweepPhases.Train, SweepPhases.Alignment, SweepPhases.Attack, SweepPhases.Distance }
            .Where(p => phases.HasFlag(p)).Select(p => p.ToString().ToLower(CultureInfo.InvariantCulture)));
}
