using System.Text.Json.Serialization;
using GpuPRelu.Data;

namespace GpuPRelu.Configs;

/// <summary>The real-data study of the paper's §5.2 (Figure 3 on MNIST; Figure 4's shape on a feature table): one batch
/// of p × repeats networks with the reference's MNIST model (center = mean training input, bias, Kaiming-uniform W,
/// nn.Linear output, input normalization, softmax cross-entropy, Adam), per-epoch metrics with the stable ranks of the
/// hidden features and of W, then APGD-CE l∞ over a grid of radii (in pixel space with the box [0, 1] on MNIST), and
/// on request the short l∞, l2 and l1 grids. Defaults are the reference's mnist-parity configuration (docs/design.md §2);
/// YAML keys are the snake_case names.</summary>
public sealed record RealConfig
{
    /// <summary>mnist, or features (a feature table: `gpuprelu probe`).</summary>
    public DataSourceKind Source { get; init; } = DataSourceKind.Mnist;

    /// <summary>MNIST: labels are digits mod Classes (2 = parity, 10 = digits). Features: the labels' classes (null:
    /// the largest label + 1).</summary>
    public int? Classes { get; init; } = 2;

    public IReadOnlyList<double> P { get; init; } = [1, 2, 3, 4];

    /// <summary>Networks per p; repeat k has seed Seed + k (its initialization and its shuffles), shared by every p.</summary>
    public int Repeats { get; init; } = 5;
    public int Seed { get; init; }
    public int Width { get; init; } = 500;
    public int Epochs { get; init; } = 51;
    public int BatchSize { get; init; } = 1000;
    public double Lr { get; init; } = 1e-3;

    /// <summary>MNIST: the first NTrain of the 50000 training images and the first NTest of the 10000 test images (the
    /// last 10000 of the training file). Features: null takes the split by TestFraction.</summary>
    public int? NTrain { get; init; } = 50_000;
    public int? NTest { get; init; } = 10_000;

    /// <summary>Features: the share of rows held out for testing, drawn at random with the seed.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>The stable rank of the hidden features is taken on the first RankSamples training inputs.</summary>
    public int RankSamples { get; init; } = 1000;
    public int LogEvery { get; init; } = 1;

    /// <summary>Rows of the train and test sets the log points between epoch 0 and the last evaluate (the first ones; all
    /// when null): TrainConfig.LogRows. Left out of the JSON when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LogRows { get; init; }

    /// <summary>l∞ radii of the APGD-CE sweep (pixel space on MNIST), increasing.</summary>
    public IReadOnlyList<double> Radii { get; init; } = ValueList.Linspace(0, 0.2, 15);

    /// <summary>Test points attacked per network (the first of the test set).</summary>
    public int AttackPoints { get; init; } = 1000;
    public int AttackIterations { get; init; } = 100;
    public int AttackRestarts { get; init; } = 1;

    /// <summary>Also the short grids of docs/design.md §2: l∞ linspace(0, 0.1, 3), l2 ×20, l1 ×100 (l1 on MNIST only: it needs the box).</summary>
    public bool ShortGrids { get; init; }

    /// <summary>The attack run after APGD-CE on the same networks, points and radii: null for none, or AutoAttack's standard
    /// l∞ ensemble (the upper side of the robust accuracy band). Left out of the JSON when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Attacks.AttackKind? Attack { get; init; }

    /// <summary>Also the certified l∞ radius of every attacked point, inside the box (certified.csv): the lower side of the
    /// robust accuracy band. Left out of the JSON when false.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Certify { get; init; }

    /// <summary>Write networks.safetensors after training (as train --save; attack --network reads it).</summary>
    public bool Save { get; init; }

    /// <summary>Minutes between checkpoints in the run's checkpoint/ folder (TrainConfig.CheckpointMinutes); null: none.
    /// Left out of the JSON when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CheckpointMinutes { get; init; }

    public bool NormalizeInput { get; init; } = true;
    public bool Bias { get; init; } = true;
    public bool Center { get; init; } = true;

    // MNIST
    public string? DataDir { get; init; }
    public double PixelDivisor { get; init; } = 255;

    // features
    public string? Features { get; init; }
    public string? Labels { get; init; }
    public string? LabelColumn { get; init; }
    public bool LayerNorm { get; init; }

    /// <summary>The box of the attacks: pixels stay in [0, 1] on MNIST; a feature space has none.</summary>
    public (double Lo, double Hi)? Box => Source == DataSourceKind.Mnist ? (0, 255 / PixelDivisor) : null;

    // the parts shared with other configs, each validating itself (views: the fields and YAML keys stay flat)
    [JsonIgnore] public ModelConfig Model => new(P, Width);
    [JsonIgnore] public OptimizerConfig Optimization => new(Lr, Epochs, BatchSize, LogEvery);
    [JsonIgnore] public AttackSweepConfig AttackSweep => new(Radii);

    /// <summary>Every rule this config breaks, each naming the field (snake_case) and the rule; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (Source == DataSourceKind.Mnist && Classes is not (>= 2 and <= 10))
            e.Add($"classes must be 2..10 for mnist (labels are digits mod classes), got {Classes}");
        if (Source == DataSourceKind.Features && Classes is < 2)
            e.Add($"classes must be ≥ 2, got {Classes}");
        e.AddRange(Model.Validate());
        e.AddRange(Optimization.Validate());
        e.AddRange(AttackSweep.Validate());
        FieldParsers.Positive(e, "repeats", Repeats);
        FieldParsers.CheckpointMinutes(e, CheckpointMinutes);
        FieldParsers.NonNegative(e, "seed", Seed);
        FieldParsers.Positive(e, "rank_samples", RankSamples);
        if (LogRows is { } logRows)
            FieldParsers.Positive(e, "log_rows", logRows);
        FieldParsers.Positive(e, "attack_points", AttackPoints);
        FieldParsers.Positive(e, "attack_iterations", AttackIterations);
        FieldParsers.Positive(e, "attack_restarts", AttackRestarts);
        if (Source == DataSourceKind.Mnist)
        {
            if (NTrain is not (>= 1 and <= 50_000))
                e.Add($"n_train must be 1..50000 (the training part of the reference's split), got {NTrain}");
            if (NTest is not (>= 1 and <= 10_000))
                e.Add($"n_test must be 1..10000 (the last 10000 training images), got {NTest}");
            else if (AttackPoints > NTest)
                e.Add($"attack_points must be ≤ n_test ({NTest}), got {AttackPoints}");
            if (!(PixelDivisor > 0) || double.IsInfinity(PixelDivisor))
                e.Add($"pixel_divisor must be > 0 and finite, got {PixelDivisor}");
            if (Features is not null || Labels is not null || LabelColumn is not null || LayerNorm)
                e.Add("features, labels, label_column and layer_norm belong to `gpuprelu probe`");
            if (e.Count == 0)
                e.AddRange(SizeErrors(MnistData.Inputs, Classes!.Value, NTrain!.Value, NTest!.Value));
        }
        else
        {
            e.AddRange(DataSpec.FeatureFileErrors(Features, Labels, LabelColumn, "give the feature table (--features FILE, CSV or .npy)"));
            if (!(TestFraction > 0 && TestFraction < 1))
                e.Add($"test_fraction must be in (0, 1), got {TestFraction}");
            if (ShortGrids)
                e.Add("short_grids needs the pixel box of mnist (its l1 attack runs in [0, 1]); a feature table has none");
        }
        return e;
    }

    /// <summary>The rules the run's sizes break once the data's are known (mnist: from this config in Validate; a feature
    /// table: once read, RealExperiment.Load), from the sizes alone in float64 so nothing overflows: at most 100000
    /// networks, then the host memory plan (θ, the training and test sets), naming the sizes.</summary>
    public IReadOnlyList<string> SizeErrors(int inputs, int classes, long trainSamples, long testSamples)
    {
        long networks = (long)P.Count * Repeats;
        if (networks > 100_000)
            return [$"repeats: p × repeats gives {networks} networks; at most 100000 fit one batch"];
        double B = networks, D = inputs, H = Width, C = classes;
        return Devices.MemoryPlan.HostErrors(
            $"{networks} networks (p × repeats) of input dimension {inputs}, width {Width}, classes {classes}",
            [
                ("the parameters", B * (D * H + H * C + C), sizeof(float), 1),
                ("the training set", trainSamples * D, sizeof(float), 1),
                ("the test set", testSamples * D, sizeof(float), 1),
            ], Devices.MemoryPlan.HostBudget);
    }
}
