using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of StudyConfig as flags and YAML keys: every training field of TrainFields, then the study's own
/// (attack sweep, distance estimate, dynamics, alignment thresholds).</summary>
public static class StudyFields
{
    /// <summary>The study's own fields, in help order.</summary>
    public static IReadOnlyList<ConfigField<StudyConfig>> Own { get; } =
    [
        new("radii", "l2 attack radii, increasing: list or 'start:stop:count'", false, (c, v) => c with { Radii = ValueList.Parse("radii", v) }),
        new("pgd-steps", "PGD steps per radius", false, (c, v) => c with { PgdSteps = Count("pgd_steps", v) }),
        new("pgd-step-size", "PGD step along the normalized gradient", false, (c, v) => c with { PgdStepSize = Number("pgd_step_size", v) }),
        new("pgd-points", "test points attacked per network", false, (c, v) => c with { PgdPoints = Count("pgd_points", v) }),
        new("pgd-restarts", "random-start PGD restarts on the points still robust (0: the paper's zero start only)", false,
            (c, v) => c with { PgdRestarts = Count("pgd_restarts", v) }),
        new("attack", "after the paper's PGD, also: pgd (nothing more) or standard (AutoAttack's standard l2 ensemble on the same networks, points and radii: the upper side of the robust accuracy band)",
            false, (c, v) => c with { Attack = Choice<Attacks.AttackKind?>("attack", v, (Attacks.AttackKind.Pgd.Name, null), (Attacks.AttackKind.Standard.Name, Attacks.AttackKind.Standard)) }),
        new("certify", "also the certified l2 radius of every attacked point (certified.csv): the lower side of the robust accuracy band, proven",
            true, (c, v) => c with { Certify = Switch("certify", v) }),
        new("dist-steps", "distance: ascent steps on the sphere", false, (c, v) => c with { DistSteps = Count("dist_steps", v) }),
        new("dist-starts", "distance: random starts per repeat", false, (c, v) => c with { DistStarts = Count("dist_starts", v) }),
        new("dist-repeats", "distance: repeats of the ascent (the max over all is reported)", false, (c, v) => c with { DistRepeats = Count("dist_repeats", v) }),
        new("dist-step-size", "distance: step along the normalized gradient", false, (c, v) => c with { DistStepSize = Number("dist_step_size", v) }),
        new("dist-scale-samples", "distance: fresh samples for the scale c = E[f·G]/E[f²]", false,
            (c, v) => c with { DistScaleSamples = Count("dist_scale_samples", v) }),
        new("snapshots", "neuron snapshots during training for the dynamics panel (0: none)", false, (c, v) => c with { Snapshots = Count("snapshots", v) }),
        new("dominant-fraction", "a neuron is dominant when its contribution is ≥ this × the largest", false,
            (c, v) => c with { DominantFraction = Number("dominant_fraction", v) }),
        new("align-cosine", "a neuron is aligned with a center when their cosine is ≥ this", false,
            (c, v) => c with { AlignCosine = Number("align_cosine", v) }),
    ];

    /// <summary>Every field that sets what a study computes: the training fields (applied to StudyConfig.Train), then the
    /// study's own; a sweep's keys.</summary>
    public static IReadOnlyList<ConfigField<StudyConfig>> All { get; } =
    [
        .. TrainFields.All.Select(f => f.Lift<StudyConfig>(c => c.Train, (c, t) => c with { Train = t })),
        .. Own,
    ];

    /// <summary>How a study run is kept and what it adds (not what a sweep's network is): save, checkpoint_minutes, min_radius.</summary>
    public static IReadOnlyList<ConfigField<StudyConfig>> Run { get; } =
    [
        .. TrainFields.Run.Select(f => f.Lift<StudyConfig>(c => c.Train, (c, t) => c with { Train = t })),
        new("min-radius", "also each attacked point's l2 radius: FAB-T's upper bound for the networks beside the exact radius of F and F^(p) (min_radius.csv, f_radius_distribution.png)",
            true, (c, v) => c with { MinRadius = Switch("min_radius", v) }),
    ];

    /// <summary>The fields of `gpuprelu fig2` and `fig5`: All, then Run.</summary>
    public static IReadOnlyList<ConfigField<StudyConfig>> Verb { get; } = [.. All, .. Run];

    /// <summary>The keys `gpuprelu train` reads from a preset or config file: every study key, so one file serves both
    /// verbs (the study's own values are checked by the study's rules that name them, then left aside), and the trace's.</summary>
    public static IReadOnlyList<ConfigField<TrainConfig>> TrainFileKeys { get; } =
    [
        .. Verb.Select(f => f.Lift<TrainConfig>(c => new StudyConfig { Train = c }, (_, s) => s.Train) with { Apply = (c, v) => Checked(f, c, v) }),
        .. TrainFields.Trace,
    ];

    // a study key in train's file: applied to the study of the training so far, refused (FormatException; the file reader
    // adds the source and line) when one of the study's rules that name the key breaks; a training key applies to c
    private static TrainConfig Checked(ConfigField<StudyConfig> field, TrainConfig c, string value)
    {
        var study = field.Apply(new StudyConfig { Train = c }, value);
        if (!Own.Contains(field) && field.Key != "min_radius")
            return study.Train;
        var broken = study.Validate().Where(m => m.StartsWith(field.Key + " ", StringComparison.Ordinal) || m.StartsWith(field.Key + ":", StringComparison.Ordinal)).ToList();
        return broken.Count == 0 ? c
            : throw new FormatException($"{string.Join("; ", broken)} (a study key: train leaves it to fig2, fig5 and sweep, but checks it)");
    }
}
