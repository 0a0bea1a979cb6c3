using System.Text.Json.Serialization;
using GpuPRelu.Analysis;

namespace GpuPRelu.Configs;

/// <summary>The synthetic study of the paper's §5.1 (Fig. 2, and Fig. 5 with K 20, K1 8): train the grid α × seed × p,
/// then the alignment of every network, the l2 PGD sweep on the networks of the smallest α, and the distance of every
/// network to F and F^(p). Defaults are the reference's (docs/design.md §2): radii linspace(0, 1.5, 15), 2000 PGD steps of 0.1
/// from the clean point, the distance ascent of 2000 steps of 0.01 from 1000 starts, 10 times.</summary>
public sealed record StudyConfig
{
    public TrainConfig Train { get; init; } = new();

    /// <summary>l2 radii of the attack sweep, increasing.</summary>
    public IReadOnlyList<double> Radii { get; init; } = ValueList.Linspace(0, 1.5, 15);
    public int PgdSteps { get; init; } = 2000;
    public double PgdStepSize { get; init; } = 0.1;

    /// <summary>Test points attacked per network (the first of its test set).</summary>
    public int PgdPoints { get; init; } = 1000;

    /// <summary>Random-start PGD restarts after the paper's zero-start attack, each on the points still robust (0: the
    /// paper's attack only).</summary>
    public int PgdRestarts { get; init; }

    public int DistSteps { get; init; } = 2000;
    public int DistStarts { get; init; } = 1000;
    public int DistRepeats { get; init; } = 10;
    public double DistStepSize { get; init; } = 0.01;
    public int DistScaleSamples { get; init; } = 10_000;

    /// <summary>Snapshots of the neuron directions taken during training for the dynamics panel (paper Fig. 1), at
    /// log-spaced steps, of the first seed's networks at the smallest α (0: none).</summary>
    public int Snapshots { get; init; } = 40;

    /// <summary>Also each attacked point's l2 radius: FAB-T's upper bound for the networks beside the exact radius of F and
    /// F^(p) (min_radius.csv, f_radius_distribution.png). Left out of the JSON when false (a sweep does not take it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool MinRadius { get; init; }

    /// <summary>The attack run after the paper's PGD on the same networks and points: null for none (the paper's PGD
    /// alone), or AutoAttack's standard l2 ensemble (the strongest attack, the upper side of the robust accuracy band).
    /// Left out of the JSON when null (a sweep network's id is unchanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Attacks.AttackKind? Attack { get; init; }

    /// <summary>Also the certified l2 radius of every attacked point (certified.csv), the lower side of the robust accuracy
    /// band. Left out of the JSON when false.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Certify { get; init; }

    public double DominantFraction { get; init; } = new AlignmentOptions().DominantFraction;
    public double AlignCosine { get; init; } = new AlignmentOptions().AlignCosine;

    public DistanceOptions Distance => new()
    {
        Steps = DistSteps, Starts = DistStarts, Repeats = DistRepeats, StepSize = DistStepSize, ScaleSamples = DistScaleSamples,
    };

    /// <summary>The radii of the PGD sweep as their own part (a view, left out of the JSON: a sweep network's id is the
    /// hash of this record's JSON).</summary>
    [JsonIgnore] public AttackSweepConfig AttackSweep => new(Radii);

    public AlignmentOptions Alignment => new() { DominantFraction = DominantFraction, AlignCosine = AlignCosine };

    /// <summary>The rules AutoAttack's standard sequence in `norm` breaks on binary networks of `inputs` features at these
    /// radii (the square attack's image side, say), each prefixed "attack standard: ".</summary>
    public static IEnumerable<string> StandardErrors(Attacks.AttackNorm norm, IReadOnlyList<double> radii, (double Lo, double Hi)? box, int inputs)
    {
        var settings = new AttackConfig { Attack = [Attacks.AttackKind.Standard], Norm = norm, Radii = radii, BoxLo = box?.Lo, BoxHi = box?.Hi }.Settings;
        return Attacks.AttackKind.StandardSequence(norm).SelectMany(a => a.Check(settings, 2, inputs)).Distinct().Select(m => $"attack standard: {m}");
    }

    /// <summary>Every rule this config breaks, each naming the field (snake_case) and the rule; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => Validate(attack: true, distance: true, alignment: true);

    /// <summary>As Validate, judging only the keys of the phases that run: training always, the attack's (radii, pgd_*),
    /// the distance's (dist_*) and the alignment's (dominant_fraction, align_cosine) when they run (a sweep's --phases).</summary>
    public IReadOnlyList<string> Validate(bool attack, bool distance, bool alignment)
    {
        var e = new List<string>(Train.Validate());
        if (Train.Outputs != 1)
            e.Add("loss must be exp or logistic: the study compares binary networks f with F and F^(p)");
        if (Train.Alpha.Zip(Train.Alpha.Skip(1)).Any(pair => pair.Second <= pair.First))
            e.Add("alpha must be increasing (the study's α axis)");
        if (attack)
        {
            e.AddRange(AttackSweep.Validate());
            if (PgdSteps < 1)
                e.Add($"pgd_steps must be ≥ 1, got {PgdSteps}");
            if (!(PgdStepSize > 0) || double.IsInfinity(PgdStepSize))
                e.Add($"pgd_step_size must be > 0 and finite, got {PgdStepSize}");
            if (PgdPoints < 1)
                e.Add($"pgd_points must be ≥ 1, got {PgdPoints}");
            else if (PgdPoints > Train.NTest)
                e.Add($"pgd_points must be ≤ n_test ({Train.NTest}), got {PgdPoints}");
            FieldParsers.NonNegative(e, "pgd_restarts", PgdRestarts);
        }
        FieldParsers.NonNegative(e, "snapshots", Snapshots);
        if (attack && Attack is { } a && a != Attacks.AttackKind.Standard && a != Attacks.AttackKind.Pgd)
            e.Add($"attack must be pgd or standard, got {a.Name}");
        if (attack && Attack == Attacks.AttackKind.Standard)
            e.AddRange(StandardErrors(Attacks.AttackNorm.L2, Radii, null, Train.InputDim));
        if (distance)
            e.AddRange(Distance.Validate());
        // the distance's fresh samples (dist_scale_samples × D per data set), planned from the sizes before any is made
        if (distance && e.Count == 0)
        {
            double sets = (double)Train.Alpha.Count * Train.Seeds;
            e.AddRange(Devices.MemoryPlan.HostErrors($"dist_scale_samples: {DistScaleSamples} samples of input dimension {Train.InputDim} per data set ({sets} sets)",
                [("each set's samples", (double)DistScaleSamples * Train.InputDim, sizeof(float), sets)], Devices.MemoryPlan.HostBudget));
        }
        if (alignment)
            e.AddRange(Alignment.Validate());
        return e;
    }
}
