using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of RealConfig as flags and YAML keys: `gpuprelu mnist` takes the MNIST ones, `gpuprelu probe` the
/// feature-table ones; both share the model, training and attack fields.</summary>
public static class RealFields
{
    private static readonly ConfigField<RealConfig>[] Common =
    [
        new("p", "pReLU degrees p ≥ 1: list or 'start:stop:count'", false, (c, v) => c with { P = ValueList.Parse("p", v) }),
        new("repeats", "networks per p (seeds seed..seed+repeats−1, shared by every p)", false, (c, v) => c with { Repeats = Count("repeats", v) }),
        new("seed", "first seed", false, (c, v) => c with { Seed = Count("seed", v) }),
        new("width", "hidden width h", false, (c, v) => c with { Width = Count("width", v) }),
        new("epochs", "passes over the training set", false, (c, v) => c with { Epochs = Count("epochs", v) }),
        new("batch-size", "Adam mini-batch size", false, (c, v) => c with { BatchSize = Count("batch_size", v) }),
        new("lr", "Adam learning rate", false, (c, v) => c with { Lr = Number("lr", v) }),
        new("rank-samples", "stable rank of the hidden features on the first N training inputs", false, (c, v) => c with { RankSamples = Count("rank_samples", v) }),
        new("log-every", "record metrics every this many epochs", false, (c, v) => c with { LogEvery = Count("log_every", v) }),
        new("log-rows", "log points between the first and the last evaluate this many rows of the train and test sets (default: all)",
            false, (c, v) => c with { LogRows = Count("log_rows", v) }),
        new("radii", "l∞ radii of the APGD-CE sweep: list or 'start:stop:count' (mnist adds 0.05, the paper's headline radius, where the grid spans but misses it)", false, (c, v) => c with { Radii = ValueList.Parse("radii", v) }),
        new("attack-points", "test points attacked per network", false, (c, v) => c with { AttackPoints = Count("attack_points", v) }),
        new("attack-iterations", "APGD iterations per restart", false, (c, v) => c with { AttackIterations = Count("attack_iterations", v) }),
        new("attack-restarts", "APGD restarts (each on the points still robust)", false, (c, v) => c with { AttackRestarts = Count("attack_restarts", v) }),
        new("attack", "after APGD-CE, also: apgd-ce (nothing more) or standard (AutoAttack's standard l∞ ensemble on the same networks, points and radii: the upper side of the robust accuracy band)",
            false, (c, v) => c with { Attack = Choice<Attacks.AttackKind?>("attack", v, (Attacks.AttackKind.ApgdCe.Name, null), (Attacks.AttackKind.Standard.Name, Attacks.AttackKind.Standard)) }),
        new("certify", "also the certified l∞ radius of every attacked point, inside the box (certified.csv): the lower side of the robust accuracy band, proven",
            true, (c, v) => c with { Certify = Switch("certify", v) }),
        new("normalize-input", "divide a_j by ‖x − c‖^(p−1) (the reference's default here)", false, (c, v) => c with { NormalizeInput = Switch("normalize_input", v) }),
        new("bias", "output bias", false, (c, v) => c with { Bias = Switch("bias", v) }),
        new("center", "subtract the mean training input", false, (c, v) => c with { Center = Switch("center", v) }),
        new("save", "write networks.safetensors after training (attack --network reads it, with each network's seed)", true, (c, v) => c with { Save = Switch("save", v) }),
        new("checkpoint-minutes", "save the training state into OUT/checkpoint every M minutes, at epoch ends (0: every epoch), and keep each finished phase, so that --resume continues after a kill",
            false, (c, v) => c with { CheckpointMinutes = Number("checkpoint_minutes", v) }),
    ];

    /// <summary>`gpuprelu mnist`.</summary>
    public static IReadOnlyList<ConfigField<RealConfig>> Mnist { get; } =
    [
        new("classes", "2 (parity) or 10 (digits): labels are digits mod classes", false, (c, v) => c with { Classes = Count("classes", v) }),
        .. Common,
        new("n-train", "training images (the first of the 50000)", false, (c, v) => c with { NTrain = Count("n_train", v) }),
        new("n-test", "test images (the first of the last 10000 training images)", false, (c, v) => c with { NTest = Count("n_test", v) }),
        new("short-grids", "also the short grids: l∞ 0:0.1:3, l2 0:2:3, l1 0:10:3", true, (c, v) => c with { ShortGrids = Switch("short_grids", v) }),
        new("data-dir", "folder of the MNIST IDX files (default: mnist/ beside the tool, then data/mnist)", false, (c, v) => c with { DataDir = v }),
        new("pixel-divisor", "pixels are byte / this (255: [0, 1])", false, (c, v) => c with { PixelDivisor = Number("pixel_divisor", v) }),
    ];

    /// <summary>`gpuprelu probe`.</summary>
    public static IReadOnlyList<ConfigField<RealConfig>> Probe { get; } =
    [
        new("features", "feature table: CSV (optional header) or 2-D .npy, one row per sample", false, (c, v) => c with { Features = v }),
        new("labels", "labels file: one-column CSV or 1-D .npy (default: the CSV's 'label' column)", false, (c, v) => c with { Labels = v }),
        new("label-column", "the CSV column holding the labels", false, (c, v) => c with { LabelColumn = v }),
        new("layer-norm", "standardize each row (nn.LayerNorm at init, eps 1e-5)", true, (c, v) => c with { LayerNorm = Switch("layer_norm", v) }),
        new("classes", "classes of the labels (default: the largest label + 1)", false, (c, v) => c with { Classes = Count("classes", v) }),
        new("test-fraction", "share of the rows held out for testing (a random split by --seed)", false, (c, v) => c with { TestFraction = Number("test_fraction", v) }),
        .. Common,
    ];
}
