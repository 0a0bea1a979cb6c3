using GpuPRelu.Attacks;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>What `gpuprelu attack` runs: the model (a networks file — ours or a PyTorch state dict — or the ideal classifiers
/// F / F^(p) on the data's centers), the test data (synthetic: each network's own α and seed when its file records them;
/// or real data, the same first N samples for every network) and the attack.</summary>
public sealed record AttackConfig
{
    public string? NetworkFile { get; init; }
    public IdealKind? Model { get; init; }
    /// <summary>--model Fp: the degrees of F^(p) (default 3). --network: p of the networks, one for all or one per network,
    /// overriding the file's (a PyTorch state dict holds none); null keeps the file's.</summary>
    public IReadOnlyList<double>? P { get; init; }

    /// <summary>Divide a_j by ‖x − c‖^(p−1) (the reference's MNIST default); null keeps the file's normalize_input.</summary>
    public bool? NormalizeInput { get; init; }

    /// <summary>Real test data (mnist or features), the first N samples for every network; null: synthetic.</summary>
    public DataSpec? Data { get; init; }

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
    public int? Steps { get; init; }
    public double? StepSize { get; init; }
    public int Restarts { get; init; } = 1;
    public bool RandomStart { get; init; }
    public double? BoxLo { get; init; }
    public double? BoxHi { get; init; }
    public bool MinRadius { get; init; }

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if ((NetworkFile is null) == (Model is null))
            e.Add("give exactly one of network (a .safetensors file) and model (F or Fp)");
        if (Attack is not ("pgd" or "apgd-ce" or "apgd-dlr"))
            e.Add($"attack must be pgd, apgd-ce or apgd-dlr, got {Attack}");
        if (IsApgd && StepSize is not null)
            e.Add("step_size applies to pgd only (APGD starts at 2ε and adapts its step)");
        if (!IsApgd && Restarts != 1)
            e.Add($"restarts applies to apgd-ce and apgd-dlr only (pgd starts at the clean point), got {Restarts}");
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
        if (Attack == "apgd-dlr" && Model is not null)
            e.Add("attack apgd-dlr needs ≥ 3 classes; the ideal classifiers F and F^(p) are binary (one output): use apgd-ce or pgd");
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
        if (Data is not null && NetworkFile is null)
            e.Add($"data {DataSpec.Name(Data.Source)} needs a network (--network): the ideal classifiers F and F^(p) live on synthetic data");
        if (Data is not null)
            e.AddRange(Data.Validate());
        if (NormalizeInput is not null && NetworkFile is null)
            e.Add("normalize_input applies to networks (--network) only");
        foreach (var p in (P ?? []).Where(p => !(p >= 1) || double.IsInfinity(p)))
            e.Add($"p must be ≥ 1 and finite, got {p}");
        foreach (var r in Radii.Where(r => !(r >= 0) || double.IsInfinity(r)))
            e.Add($"radii must be ≥ 0 and finite, got {r}");
        if (Radii.Count == 0 || Radii.Zip(Radii.Skip(1)).Any(pair => pair.Second <= pair.First))
            e.Add("radii must be a non-empty increasing list");
        e.AddRange(IsApgd ? ToApgd().Validate(3) : ToPgd(Training.LossKind.Exp).Validate());
        if (Model is not null && e.Count == 0)
            e.AddRange(HostMemoryErrors(Model == IdealKind.F ? 1 : P?.Count ?? 1, InputDim ?? 100));
        // the attack's own rules repeat some of the config's (restarts, steps): one line per broken rule
        return [.. e.Distinct()];
    }

    /// <summary>True for the APGD attacks (apgd-ce, apgd-dlr).</summary>
    public bool IsApgd => Attack.StartsWith("apgd", StringComparison.Ordinal);

    /// <summary>Steps or iterations: as given, else the paper's 2000 for pgd and AutoAttack's 100 for APGD.</summary>
    public int ResolvedSteps => Steps ?? (IsApgd ? 100 : 2000);

    /// <summary>The PGD attack of this config as the paper runs it (step size as given, else 0.1; the loss a mean over the
    /// N test points; l2 direction g/(‖g‖ + 1e-7)), from the clean point or a random start.</summary>
    public PgdOptions ToPgd(Training.LossKind loss) => new(Norm, ResolvedSteps, StepSize ?? 0.1, loss, BoxLo, BoxHi, RandomStart,
        RefBatch: Math.Max(1, N), Guard: 1e-7, Seed);

    /// <summary>The APGD attack of this config (random starts seeded by the config's seed).</summary>
    public ApgdOptions ToApgd() => new(Norm, Attack == "apgd-dlr" ? ApgdLoss.Dlr : ApgdLoss.CrossEntropy, ResolvedSteps,
        Restarts, RandomStart: true, BoxLo, BoxHi, Seed);

    // synthetic test points: n × D per network, planned in float64 before any is generated
    private IReadOnlyList<string> HostMemoryErrors(int networks, int inputs) => Devices.MemoryPlan.HostErrors(
        $"{networks} model(s) of input_dim {inputs}, n {N}",
        [("each network's test points", (double)N * inputs, sizeof(float), networks), ("each network's robust flags", (double)N * Radii.Count, 1, networks)],
        Devices.MemoryPlan.HostBudget);

    /// <summary>The rules that need the model's shape (read from the network file before any work): the input dimension
    /// of the data and the classes DLR needs.</summary>
    public IReadOnlyList<string> ValidateModel(Kernels.BatchShape shape, string file)
    {
        var e = new List<string>();
        if (InputDim is { } d && d != shape.Inputs)
            e.Add($"{Path.GetFileName(file)} holds networks of input dimension {shape.Inputs}; the data has input_dim {d}");
        if (Data is null)
            e.AddRange(HostMemoryErrors(shape.Networks, shape.Inputs));
        int classes = Math.Max(2, shape.Outputs);
        if (IsApgd)
            e.AddRange(ToApgd().Validate(classes).Where(m => m.Contains("classes", StringComparison.Ordinal)).Select(m => $"{Path.GetFileName(file)}: {m}"));
        return e;
    }
}
