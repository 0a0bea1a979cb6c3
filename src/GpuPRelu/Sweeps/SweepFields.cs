using System.Globalization;
using GpuPRelu.Configs;
using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Sweeps;

/// <summary>The fields of SweepOptions as flags of `gpuprelu sweep` (how the grid is planned; the grid's own keys are
/// StudyFields').</summary>
public static class SweepFields
{
    /// <summary>Every field, in help order.</summary>
    public static IReadOnlyList<ConfigField<SweepOptions>> All { get; } =
    [
        new("phases", "train,alignment,attack,distance (train is required)", false, (c, v) => c with { Phases = SweepOptions.ParsePhases(v) })
            { Show = c => SweepOptions.Name(c.Phases) },
        new("max-networks", "refuse grids of more networks", false, (c, v) => c with { MaxNetworks = LargeCount("max_networks", v) })
            { Show = c => c.MaxNetworks.ToString(CultureInfo.InvariantCulture) },
        new("allow-large", "run a grid beyond --max-networks", true, (c, v) => c with { AllowLarge = Switch("allow_large", v) }),
        new("batch-memory-mib", "device memory a batch may plan into (part of the plan: same on every shard)", false,
            (c, v) => c with { BatchMemoryMib = LargeCount("batch_memory_mib", v) }) { Show = c => c.BatchMemoryMib.ToString(CultureInfo.InvariantCulture) },
    ];
}
