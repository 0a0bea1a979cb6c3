using GpuPRelu.Models;
using GpuPRelu.Training;
using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of TrainConfig as flags and YAML keys: the one list the CLI, the config reader and the docs
/// share, so every verb speaks the same language.</summary>
public static class TrainFields
{
    /// <summary>Every field, in help order.</summary>
    public static IReadOnlyList<ConfigField<TrainConfig>> All { get; } =
    [
        new("input-dim", "input dimension D", false, (c, v) => c with { InputDim = Count("input_dim", v) }),
        new("subclasses", "number of subclasses K", false, (c, v) => c with { Subclasses = Count("subclasses", v) }),
        new("positive-subclasses", "subclasses 1..K1 form the positive class", false, (c, v) => c with { PositiveSubclasses = Count("positive_subclasses", v) }),
        new("random-centers", "random orthonormal centers instead of e_1..e_K", true, (c, v) => c with { RandomCenters = Switch("random_centers", v) }),
        new("alpha", "intra-subclass std α: list 'a,b' or 'start:stop:count'", false, (c, v) => c with { Alpha = ValueList.Parse("alpha", v) }),
        new("p", "pReLU degrees p ≥ 1: list or 'start:stop:count'", false, (c, v) => c with { P = ValueList.Parse("p", v) }),
        new("seeds", "repeats per (p, α): seeds seed..seed+seeds−1", false, (c, v) => c with { Seeds = Count("seeds", v) }),
        new("seed", "first seed", false, (c, v) => c with { Seed = Count("seed", v) }),
        new("width", "hidden width h", false, (c, v) => c with { Width = Count("width", v) }),
        new("init", "gaussian (std init-scale on W and V) or kaiming (PyTorch)", false,
            (c, v) => c with { Init = Choice("init", v, ("gaussian", InitKind.Gaussian), ("kaiming", InitKind.Kaiming)) }),
        new("init-scale", "std ε of the gaussian init", false, (c, v) => c with { InitScale = Number("init_scale", v) }),
        new("loss", "exp, logistic or ce", false,
            (c, v) => c with { Loss = Choice("loss", v, ("exp", LossKind.Exp), ("logistic", LossKind.Logistic), ("ce", LossKind.CrossEntropy)) }),
        new("optimizer", "gd (full batch, gradient flow), sgd or adam", false,
            (c, v) => c with { Optimizer = Choice("optimizer", v, ("gd", OptimizerKind.Gd), ("sgd", OptimizerKind.Sgd), ("adam", OptimizerKind.Adam)) }),
        new("lr", "learning rate (gd: the flow-time step η)", false, (c, v) => c with { Lr = Number("lr", v) }),
        new("epochs", "passes over the training set (gd: steps)", false, (c, v) => c with { Epochs = Count("epochs", v) }),
        new("flow-time", "gd only: train until t = Σ η reaches this", false, (c, v) => c with { FlowTime = Number("flow_time", v) }),
        new("batch-size", "mini-batch size for sgd and adam", false, (c, v) => c with { BatchSize = Count("batch_size", v) }),
        new("n-train", "training samples per data set", false, (c, v) => c with { NTrain = Count("n_train", v) }),
        new("n-test", "test samples per data set", false, (c, v) => c with { NTest = Count("n_test", v) }),
        new("bias", "output bias b", true, (c, v) => c with { Bias = Switch("bias", v) }),
        new("normalize-input", "divide a_j by ‖u‖^(p−1)", true, (c, v) => c with { NormalizeInput = Switch("normalize_input", v) }),
        new("center", "subtract the mean training input", true, (c, v) => c with { Center = Switch("center", v) }),
        new("log-every", "record metrics every this many epochs", false, (c, v) => c with { LogEvery = Count("log_every", v) }),
        new("log-rows", "log points between the first and the last evaluate this many rows of each train and test set (default: all)",
            false, (c, v) => c with { LogRows = Count("log_rows", v) }),
    ];

    /// <summary>How a run is kept, not what it computes (the study verbs take them too; a sweep does not).</summary>
    public static IReadOnlyList<ConfigField<TrainConfig>> Run { get; } =
    [
        new("save", "write the trained networks to networks.safetensors", true, (c, v) => c with { Save = Switch("save", v) }),
        new("checkpoint-minutes", "save the training state into OUT/checkpoint every M minutes, at epoch ends (0: every epoch), so that --resume continues after a kill",
            false, (c, v) => c with { CheckpointMinutes = Number("checkpoint_minutes", v) }),
    ];

    /// <summary>`gpuprelu train`'s trace for a twin run (TrainTrace).</summary>
    public static IReadOnlyList<ConfigField<TrainConfig>> Trace { get; } =
    [
        new("trace", "export a trace for a twin run (bench/reference/parity.py) into this folder: θ₀, the data, every epoch's mini-batch order, θ every --trace-every steps; small grids only",
            false, (c, v) => c with { Trace = v }),
        new("trace-every", "with --trace: write θ every this many optimizer steps (default 100)", false,
            (c, v) => c with { TraceEvery = Count("trace_every", v) }),
    ];
}
