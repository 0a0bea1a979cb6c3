using GpuPRelu.Configs;

namespace GpuPRelu.Bench;

/// <summary>Named benchmark configurations: sizes of the presets (the batch of networks, the mini-batch rows M, D, H) and
/// the training run timed end to end (none for fig2-paper: its 75 data sets of 20000 × 1000 floats would take 12 GB),
/// then on the trained networks a short batched l2 PGD (AttackPoints test points × AttackRadii radii in [0, 1.5],
/// AttackSteps steps of 0.1) and a short distance estimate (DistanceStarts starts × DistanceSteps steps, F and F^(p)):
/// the rates of the full-length runs, in a fraction of their time.</summary>
public sealed record BenchConfig(string Name, int Networks, int Rows, int Inputs, int Hidden, TrainConfig? Train)
{
    public int AttackPoints { get; init; } = 500;
    public int AttackRadii { get; init; } = 15;
    public int AttackSteps { get; init; } = 20;
    public int DistanceStarts { get; init; } = 100;
    public int DistanceSteps { get; init; } = 50;

    public static readonly IReadOnlyList<BenchConfig> All =
    [
        // the quick preset: 12 networks, D 50, h 100, batch 50
        new("quick", 12, 50, 50, 100, new TrainConfig
        {
            InputDim = 50, Subclasses = 6, PositiveSubclasses = 3, Alpha = [0.05, 0.1, 0.2], Seeds = 2, Width = 100,
            InitScale = 1e-3, Epochs = 30, BatchSize = 50, NTrain = 1000, NTest = 1000,
        }) { AttackPoints = 200 },
        // fig2-scaled, the preset timed against the paper's code: D 200, h 400, n 2000, 100 epochs, 12 networks (the training part)
        new("fig2-scaled", 12, 100, 200, 400, new TrainConfig
        {
            InputDim = 200, Alpha = [0.01, 0.05, 0.1], Seeds = 2, Width = 400, InitScale = 1e-7, Epochs = 100,
            BatchSize = 100, NTrain = 2000, NTest = 2000,
        }) { DistanceSteps = 200 },
        // the fig2 paper preset's batch: 150 networks of D 1000, h 2000, mini-batch 100 (operations only)
        new("fig2-paper", 150, 100, 1000, 2000, null),
    ];

    public static BenchConfig Find(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new FormatException($"bench: unknown configuration '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}");
}
