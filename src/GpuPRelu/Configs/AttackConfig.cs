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

    /// <summary>The attacks in order: the standard sequence, a list, or one attack.</summary>
    public IReadOnlyList<AttackKind> Attacks => IsStandard ? AttackKind.StandardSequence(Norm) : Attack;

    /// <summary>True for AutoAttack's standard sequence (named "standard" in robust_accuracy.csv).</summary>
    public bool IsStandard => Attack.Count == 1 && Attack[0] == AttackKind.Standard;

    /// <summary>True for a sequence of attacks (standard or a list), false for one attack alone.</summary>
    public bool IsSequence => Attacks.Count > 1;

    // the parts shared with other configs, each validating itself (views: the fields and YAML keys stay flat)
    [JsonIgnore] public SyntheticDataConfig SyntheticData => new(InputDim, Subclasses, PositiveSubclasses, [Alpha]);
    [JsonIgnore] public AttackSweepConfig AttackSweep => new(Radii);

    /// <summary>What the attacks read (AttackKind builds each from it); the smallest norm per point is searched when
    /// min_radius.csv, points.csv or the examples need it.</summary>
    [JsonIgnore] public AttackSettings Settings => new(Norm, Radii, ResolvedSteps, StepSize, Restarts, RandomStart, BoxLo, BoxHi, Seed, Targets,
        Queries, SquareSharedDraws, MinimalNorms: MinRadius || PerPoint || SaveAdversarial);

    /// <summary>Every rule the config breaks, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if ((NetworkFile is null) == (Model is null))
            e.Add("give exactly one of network (a .safetensors file) and model (F or Fp)");
        e.AddRange(ValidateAttacks());
        if (Restarts < 1)
            e.Add($"restarts must be ≥ 1, got {Restarts}");
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
        // each attack's own rules; the model's classes and D are checked in ValidateModel (binary models, the ideal
        // classifiers, have two classes; D of a network file is the file's)
        var settings = Settings;
        foreach (var attack in Attacks)
            e.AddRange(attack.Check(settings, Model is not null ? 2 : int.MaxValue, Model is not null ? InputDim ?? 100 : 25));
        if (Model is not null && e.Count == 0)
            e.AddRange(HostMemoryErrors(Model == IdealKind.F ? 1 : P?.Count ?? 1, InputDim ?? 100));
        // the attack's own rules repeat some of the config's (restarts, steps): one line per broken rule
        return [.. e.Distinct()];
    }

    private List<string> ValidateAttacks()
    {
        var e = new List<string>();
        var list = Attacks;
        // the names parse to attacks (AttackKind.Parse); what is left is an attack that runs alone inside a list, or no attack
        if (list.Count == 0)
            e.Add("attack must name at least one attack");
        if (list.Count > 1)
        {
            foreach (var a in list.Where(a => a.Placement != AttackPlacement.AloneOrInList))
                e.Add($"attack {a.Name} runs alone; lists take {AttackKind.Sentence(AttackKind.Listable.Select(l => l.Name))}");
        }
        if (list.Distinct().Count() < list.Count)
            e.Add($"attack lists each attack once, got {string.Join(",", Attack.Select(a => a.Name))}");
        // an option of some attacks only, set while no attack of the list reads it
        foreach (var option in OptionsSet().Where(o => !list.Any(a => a.Options.Contains(o))))
        {
            bool standard = AttackKind.StandardSequence(Norm).Any(a => a.Options.Contains(option));
            e.Add($"{option} applies to {AttackKind.Reading(option)}{(standard ? " (and standard)" : "")} only");
        }
        // min_radius of networks runs fab-t on its own when the list has none
        if (MinRadius && NetworkFile is not null && !list.Contains(AttackKind.FabT))
            e.AddRange(FabOptions.Of(Settings).Validate(int.MaxValue).Where(m => m.StartsWith("box", StringComparison.Ordinal)).Select(m => $"min_radius: {m}"));
        if ((PerPoint || SaveAdversarial) && list.FirstOrDefault(a => !a.KeepsExamples) is { } none)
        {
            e.Add($"per_point and save_adversarial need attacks that keep their examples ({AttackKind.Sentence(AttackKind.Listable.Select(a => a.Name))}); "
                + $"{none.Name} keeps none");
        }
        return e;
    }

    // the options of AttackKind.Options this config sets (to other than their defaults)
    private IEnumerable<string> OptionsSet()
    {
        if (StepSize is not null)
            yield return "step_size";
        if (Restarts != 1)
            yield return "restarts";
        if (Targets is not null)
            yield return "targets";
        if (Queries is not null)
            yield return "queries";
        if (SquareSharedDraws)
            yield return "square_draws";
    }

    /// <summary>Steps or iterations: as given, else the attacks' default (the paper's 2000 for pgd, AutoAttack's 100 for the others).</summary>
    public int ResolvedSteps => Steps ?? (Attacks.Count > 0 ? Attacks.Max(a => a.DefaultSteps) : 100);

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
        // the attacks' rules that depend on the model's classes or D
        int classes = Math.Max(2, shape.Outputs);
        var settings = Settings;
        foreach (var attack in Attacks)
        {
            e.AddRange(attack.Check(settings, classes, shape.Inputs)
                .Where(m => m.Contains("classes", StringComparison.Ordinal) || m.Contains("lays out", StringComparison.Ordinal))
                .Select(m => $"{Path.GetFileName(file)}: {m}"));
        }
        return e;
    }
}
