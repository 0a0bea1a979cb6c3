using System.Text.Json.Serialization;
using GpuPRelu.Attacks;
using GpuPRelu.Models;

namespace GpuPRelu.Configs;

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
    /// <summary>The attack, or the sequence of attacks in order ([Standard]: AutoAttack's standard sequence).</summary>
    public IReadOnlyList<AttackKind> Attack { get; init; } = [AttackKind.Pgd];
    public IReadOnlyList<double> Radii { get; init; } = ValueList.Linspace(0, 1.5, 15);
    public int? Steps { get; init; }
    public double? StepSize { get; init; }
    public int Restarts { get; init; } = 1;
    public bool RandomStart { get; init; }
    public double? BoxLo { get; init; }
    public double? BoxHi { get; init; }
    public bool MinRadius { get; init; }

    /// <summary>APGD-T's targets (null: all C − 1; one for a one-output network).</summary>
    public int? Targets { get; init; }

    /// <summary>Square's queries per point (null: AutoAttack's 5000).</summary>
    public int? Queries { get; init; }

    /// <summary>Square's draws as AutoAttack's square.py makes them (one window per iteration for all points, never the
    /// last row or column), for comparisons with it; false: per point over every window position.</summary>
    public bool SquareSharedDraws { get; init; }

    /// <summary>Write points.csv: where, by which attack and with which perturbation each point broke.</summary>
    public bool PerPoint { get; init; }

    /// <summary>Write adversarial.safetensors: the adversarial examples per network × radius × point.</summary>
    public bool SaveAdversarial { get; init; }

    /// <summary>The attacks that run alone or in an evaluation (pgd runs alone).</summary>
    public static readonly AttackKind[] EvaluationAttacks =
        [AttackKind.ApgdCe, AttackKind.ApgdDlr, AttackKind.ApgdT, AttackKind.FabT, AttackKind.Square];

    /// <summary>AutoAttack's standard sequence (docs/attacks.md §9.1; autoattack.py's `standard`): APGD-CE, APGD-T, FAB-T,
    /// Square for l∞ and l2; for l1 the same without Square, whose l1 variant is not implemented.</summary>
    public static IReadOnlyList<AttackKind> Standard(AttackNorm norm) => norm == AttackNorm.L1
        ? [AttackKind.ApgdCe, AttackKind.ApgdT, AttackKind.FabT]
        : [AttackKind.ApgdCe, AttackKind.ApgdT, AttackKind.FabT, AttackKind.Square];

    /// <summary>The attacks in order: the standard sequence, a list, or one attack.</summary>
    public IReadOnlyList<AttackKind> Attacks => IsStandard ? Standard(Norm) : Attack;

    /// <summary>True for AutoAttack's standard sequence (named "standard" in robust_accuracy.csv).</summary>
    public bool IsStandard => Attack is [AttackKind.Standard];

    /// <summary>True for a sequence of attacks (standard or a list), false for one attack alone.</summary>
    public bool IsSequence => Attacks.Count > 1;

    // the parts shared with other configs, each validating itself (views: the fields and YAML keys stay flat)
    [JsonIgnore] public SyntheticDataConfig SyntheticData => new(InputDim, Subclasses, PositiveSubclasses, [Alpha]);
    [JsonIgnore] public AttackSweepConfig AttackSweep => new(Radii);

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if ((NetworkFile is null) == (Model is null))
            e.Add("give exactly one of network (a .safetensors file) and model (F or Fp)");
        e.AddRange(ValidateAttacks());
        if (IsApgd && StepSize is not null)
            e.Add("step_size applies to pgd only (APGD starts at 2ε and adapts its step)");
        if (IsApgd && Restarts != 1 && !ApgdLosses().Any() && !Attacks.Contains(AttackKind.FabT))
            e.Add($"restarts applies to the APGD attacks and fab-t only (square runs once per point), got {Restarts}");
        if (!IsApgd && Restarts != 1)
            e.Add($"restarts applies to apgd-ce and apgd-dlr only (pgd starts at the clean point), got {Restarts}");
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
        if (Attacks.Contains(AttackKind.ApgdDlr) && Model is not null)
            e.Add("attack apgd-dlr needs ≥ 3 classes; the ideal classifiers F and F^(p) are binary (one output): use apgd-ce or pgd");
        e.AddRange(SyntheticData.Validate());
        if (N < 1)
            e.Add($"n must be ≥ 1, got {N}");
        // synthetic test data is each network's own (Data null): a synthetic spec here sets a real-data field
        if (Data is { Source: DataSourceKind.Synthetic })
            e.Add("split, classes, data_dir, pixel_divisor, features, labels, label_column and layer_norm apply to --data mnist or features");
        else if (Data is not null)
        {
            if (NetworkFile is null)
                e.Add($"data {DataSpec.Name(Data.Source)} needs a network (--network): the ideal classifiers F and F^(p) live on synthetic data");
            e.AddRange(Data.Validate());
        }
        if (NormalizeInput is not null && NetworkFile is null)
            e.Add("normalize_input applies to networks (--network) only");
        if (P is not null)
            e.AddRange(ModelConfig.DegreeErrors(P));
        e.AddRange(AttackSweep.Validate());
        if (IsApgd)
        {
            // binary models (the ideal classifiers) have two classes for APGD-T's targets; apgd-dlr's own rule is above
            foreach (var loss in ApgdLosses())
                e.AddRange(ToApgd(loss).Validate(loss != ApgdLoss.TargetedDlr ? 3 : Model is not null ? 2 : int.MaxValue));
        }
        else if (Attacks.All(a => a == AttackKind.Pgd))
            e.AddRange(ToPgd(Training.LossKind.Exp).Validate());
        if (Model is not null && e.Count == 0)
            e.AddRange(HostMemoryErrors(Model == IdealKind.F ? 1 : P?.Count ?? 1, InputDim ?? 100));
        // the attack's own rules repeat some of the config's (restarts, steps): one line per broken rule
        return [.. e.Distinct()];
    }

    private List<string> ValidateAttacks()
    {
        var e = new List<string>();
        var list = Attacks;
        // the names parse to attacks (AttackNames.Parse); what is left is standard inside a list, or no attack
        if (list.Count == 0)
            e.Add("attack must name at least one attack");
        foreach (var a in list.Where(a => a != AttackKind.Pgd && !EvaluationAttacks.Contains(a)))
            e.Add($"attack must be pgd, apgd-ce, apgd-dlr, apgd-t, fab-t, square, standard or a comma list of apgd-ce, apgd-dlr, apgd-t, fab-t, square; got {AttackNames.Name(a)}");
        if (list.Count > 1 && list.Contains(AttackKind.Pgd))
            e.Add("attack pgd runs alone (the paper's attack); lists take apgd-ce, apgd-dlr, apgd-t, fab-t and square");
        if (list.Distinct().Count() < list.Count)
            e.Add($"attack lists each attack once, got {string.Join(",", Attack.Select(AttackNames.Name))}");
        if (Targets is not null && !list.Contains(AttackKind.ApgdT) && !list.Contains(AttackKind.FabT))
            e.Add("targets applies to apgd-t and fab-t (and standard) only");
        // binary models (the ideal classifiers) have two classes; a network file's classes are checked in ValidateModel
        if (list.Contains(AttackKind.FabT))
            e.AddRange(ToFab().Validate(Model is not null ? 2 : int.MaxValue));
        if (SquareSharedDraws && !list.Contains(AttackKind.Square))
            e.Add("square_draws applies to square (and standard) only");
        if (Queries is not null && !list.Contains(AttackKind.Square))
            e.Add("queries applies to square (and standard) only");
        // a network file's D is checked against Square's layout in ValidateModel
        if (list.Contains(AttackKind.Square))
            e.AddRange(ToSquare().Validate(Model is not null ? InputDim ?? 100 : 25));
        // min_radius of networks runs fab-t on its own when the list has none
        if (MinRadius && NetworkFile is not null && !list.Contains(AttackKind.FabT))
            e.AddRange(ToFab().Validate(int.MaxValue).Where(m => m.StartsWith("box", StringComparison.Ordinal)).Select(m => $"min_radius: {m}"));
        if ((PerPoint || SaveAdversarial) && list.Contains(AttackKind.Pgd))
            e.Add("per_point and save_adversarial need the APGD or Square attacks (pgd keeps no examples)");
        return e;
    }

    /// <summary>True when no attack is pgd: APGD and Square, alone or in a sequence.</summary>
    public bool IsApgd => !Attacks.Contains(AttackKind.Pgd);

    /// <summary>The APGD losses of the attack list.</summary>
    public IEnumerable<ApgdLoss> ApgdLosses() => Attacks.Select(a => a switch
    {
        AttackKind.ApgdCe => ApgdLoss.CrossEntropy,
        AttackKind.ApgdDlr => ApgdLoss.Dlr,
        AttackKind.ApgdT => ApgdLoss.TargetedDlr,
        _ => (ApgdLoss?)null,
    }).OfType<ApgdLoss>();

    /// <summary>Steps or iterations: as given, else the paper's 2000 for pgd and AutoAttack's 100 for APGD.</summary>
    public int ResolvedSteps => Steps ?? (IsApgd ? 100 : 2000);

    /// <summary>The PGD attack of this config as the paper runs it (step size as given, else 0.1; the loss a mean over the
    /// N test points; l2 direction g/(‖g‖ + 1e-7)), from the clean point or a random start.</summary>
    public PgdOptions ToPgd(Training.LossKind loss) => new(Norm, ResolvedSteps, StepSize ?? 0.1, loss, BoxLo, BoxHi, RandomStart,
        RefBatch: Math.Max(1, N), Guard: 1e-7, Seed);

    /// <summary>The Square attack of this config (AutoAttack's p_init 0.8; draws seeded by the config's seed).</summary>
    public SquareOptions ToSquare() => new(Norm, Queries ?? 5000, 0.8, BoxLo, BoxHi, Seed, SquareSharedDraws);

    /// <summary>The FAB-T attack of this config (AutoAttack's constants; restarts after the first start at half the largest radius).</summary>
    public FabOptions ToFab() => new(Norm, ResolvedSteps, Restarts, Targets, BoxLo, BoxHi, Seed, Radii.Count > 0 ? Radii.Max() : 0);

    /// <summary>The APGD attack of this config with the given loss (random starts seeded by the config's seed).</summary>
    public ApgdOptions ToApgd(ApgdLoss loss) => new(Norm, loss, ResolvedSteps, Restarts, RandomStart: true, BoxLo, BoxHi, Seed,
        Targets: loss == ApgdLoss.TargetedDlr ? Targets : null);

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
        foreach (var loss in ApgdLosses())
            e.AddRange(ToApgd(loss).Validate(classes).Where(m => m.Contains("classes", StringComparison.Ordinal)).Select(m => $"{Path.GetFileName(file)}: {m}"));
        if (Attacks.Contains(AttackKind.FabT))
            e.AddRange(ToFab().Validate(classes).Where(m => m.Contains("classes", StringComparison.Ordinal)).Select(m => $"{Path.GetFileName(file)}: {m}"));
        if (Attacks.Contains(AttackKind.Square))
            e.AddRange(ToSquare().Validate(shape.Inputs).Where(m => m.Contains("lays out", StringComparison.Ordinal)).Select(m => $"{Path.GetFileName(file)}: {m}"));
        return e;
    }
}
