using System.Text.Json.Serialization;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Configs;

/// <summary>A synthetic training run: the data model, the grid p × α × seed (one network each), the network shape and
/// the optimizer. Defaults are the paper's fig2 configuration (docs/design.md §2); YAML keys are the snake_case names.</summary>
public sealed record TrainConfig
{
    public int InputDim { get; init; } = 1000;
    public int Subclasses { get; init; } = 10;
    public int PositiveSubclasses { get; init; } = 6;
    public bool RandomCenters { get; init; }
    public IReadOnlyList<double> Alpha { get; init; } = ValueList.Linspace(0.01, 0.3, 15);
    public IReadOnlyList<double> P { get; init; } = [1, 3];
    public int Seeds { get; init; } = 5;
    public int Seed { get; init; }
    public int Width { get; init; } = 2000;
    public InitKind Init { get; init; } = InitKind.Gaussian;
    public double InitScale { get; init; } = 1e-7;
    public LossKind Loss { get; init; } = LossKind.Exp;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    public double Lr { get; init; } = 0.2;
    public int Epochs { get; init; } = 401;
    public double? FlowTime { get; init; }
    public int BatchSize { get; init; } = 100;
    public int NTrain { get; init; } = 20000;
    public int NTest { get; init; } = 20000;
    public bool Bias { get; init; }
    public bool NormalizeInput { get; init; }
    public bool Center { get; init; }
    public int LogEvery { get; init; } = 1;

    /// <summary>Rows of each train and test set the log points between the first and the last evaluate (the first ones
    /// of each set; all when null). Epoch 0 and the last epoch always evaluate every row. Left out of the JSON when null,
    /// so configurations without it keep their sweep ids.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LogRows { get; init; }

    // how the run is kept, not what it computes: left out of the JSON when unset, so a sweep network's id (the hash of
    // this record's JSON) ignores them; a sweep does not take them (StudyFields.All)

    /// <summary>Write the trained networks to networks.safetensors.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Save { get; init; }

    /// <summary>Minutes between training checkpoints in the run's checkpoint/ folder, at epoch ends (0: every epoch),
    /// so that --resume continues after a kill; null: no checkpoints.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CheckpointMinutes { get; init; }

    /// <summary>The folder of a trace for a twin run (TrainTrace): θ₀, the data, each epoch's order, θ every TraceEvery
    /// steps; null: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Trace { get; init; }

    /// <summary>With Trace: θ every this many optimizer steps (null: 100).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TraceEvery { get; init; }

    /// <summary>The interval between checkpoints, or null when the run takes none.</summary>
    [JsonIgnore] public TimeSpan? CheckpointEvery => CheckpointMinutes is { } m ? TimeSpan.FromMinutes(m) : null;

    /// <summary>Outputs: 1 for the binary losses (f is a scalar), 2 for cross-entropy on the two classes.</summary>
    public int Outputs => Loss == LossKind.CrossEntropy ? 2 : 1;

    /// <summary>Passes over the data: Epochs, or for gd with FlowTime set, FlowTime / Lr steps (rounded).</summary>
    public int ResolvedEpochs => Optimizer == OptimizerKind.Gd && FlowTime is { } t ? (int)Math.Max(1, Math.Round(t / Lr)) : Epochs;

    // the parts shared with other configs, each validating itself (views: the fields stay flat, so the YAML keys, the
    // manifest and a sweep network's id, the hash of this record's JSON, do not change)
    [JsonIgnore] public SyntheticDataConfig SyntheticData => new(InputDim, Subclasses, PositiveSubclasses, Alpha);
    [JsonIgnore] public ModelConfig Model => new(P, Width);
    [JsonIgnore] public OptimizerConfig Optimization => new(Lr, Epochs, BatchSize, LogEvery);

    /// <summary>Every rule this config breaks, each naming the field (snake_case) and the rule; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(SyntheticData.Validate());
        e.AddRange(Model.Validate());
        e.AddRange(Optimization.Validate());
        FieldParsers.Positive(e, "seeds", Seeds);
        FieldParsers.NonNegative(e, "seed", Seed);
        FieldParsers.Positive(e, "n_train", NTrain);
        FieldParsers.Positive(e, "n_test", NTest);
        if (LogRows is { } logRows)
            FieldParsers.Positive(e, "log_rows", logRows);
        FieldParsers.CheckpointMinutes(e, CheckpointMinutes);
        if (Trace is not null && string.IsNullOrWhiteSpace(Trace))
            e.Add("trace must name a folder, got an empty name");
        if (TraceEvery is { } every and < 1)
            e.Add($"trace_every must be ≥ 1, got {every}");
        if (!(InitScale > 0) || double.IsInfinity(InitScale))
            e.Add($"init_scale must be > 0 and finite, got {InitScale}");
        if (FlowTime is { } t && !(t > 0))
            e.Add($"flow_time must be > 0, got {t}");
        if (FlowTime is not null && Optimizer != OptimizerKind.Gd)
            e.Add("flow_time applies to optimizer gd only (sgd and adam count epochs)");
        if (FlowTime is { } time && Lr > 0 && time / Lr > int.MaxValue)
            e.Add($"flow_time / lr gives {time / Lr:0.###e+0} epochs of gd; at most {int.MaxValue}: make flow_time smaller or lr larger");
        long networks = (long)Alpha.Count * P.Count * Seeds;
        if (networks > 100_000)
            e.Add($"alpha × p × seeds gives {networks} networks; at most 100000 fit one batch");
        else if (e.Count == 0)
            e.AddRange(HostMemoryErrors(Devices.MemoryPlan.HostBudget));
        return e;
    }

    /// <summary>The host memory plan of this run (θ, the data sets, the centers), in float64 so no size overflows:
    /// the rules it breaks against `budget` bytes, naming the sizes.</summary>
    public IReadOnlyList<string> HostMemoryErrors(long budget)
    {
        double B = (double)Alpha.Count * P.Count * Seeds, sets = (double)Alpha.Count * Seeds, D = InputDim, H = Width, C = Outputs;
        return Devices.MemoryPlan.HostErrors(
            $"{B} networks of input_dim {InputDim}, width {Width}; n_train {NTrain}, n_test {NTest} per data set ({sets} sets)",
            [
                ("the parameters", B * (D * H + H * C + C), sizeof(float), 1),
                ("each training set", (double)NTrain * D, sizeof(float), sets),
                ("each test set", (double)NTest * D, sizeof(float), sets),
                ("the centers", B * D, sizeof(float), 1),
            ], budget);
    }
}
