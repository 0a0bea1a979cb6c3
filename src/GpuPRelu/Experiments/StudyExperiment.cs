using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Plots;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>What a study run measured: the rows behind its CSVs and report.</summary>
public sealed record StudyResult(
    IReadOnlyList<SummaryRow> Summary,
    IReadOnlyList<AlignmentRow> Alignment,
    IReadOnlyList<RobustAccuracyRow> RobustAccuracy,
    IReadOnlyList<DistanceRow> Distance,
    TimeSpan WallTime);

/// <summary>`gpuprelu fig2` / `fig5`: the paper's synthetic study end to end on one batch. Phases, each writing its
/// files as soon as it ends (a later failure keeps them): train the grid α × seed × p (training.csv, summary.csv,
/// dynamics.csv from snapshots of the first seed's networks at the smallest α), neuron alignment of every network
/// (neurons.csv, cosines.csv, alignment.csv), the paper's l2 PGD on the networks of the smallest α beside the exact
/// curves of F and F^(p) on the same points (robust_accuracy.csv; with min_radius also each point's radius, FAB-T's
/// upper bound beside the exact one of F and F^(p): min_radius.csv, f_radius_distribution.png), the distance of every network to F and F^(p)
/// (distance.csv); then the panels (a)–(e) and the dynamics as PNG, report.md and manifest.json. With checkpoint_minutes
/// the training checkpoints into OUT/checkpoint, and each finished phase is recorded there (PhaseRecord): run again on
/// the same folder, the study continues the training from its checkpoint and reads the finished phases back from their
/// files, so its outputs equal an uninterrupted run's.</summary>
public static class StudyExperiment
{
    /// <summary>Runs a validated config in `context` (its output folder must exist); `command` is the verb ("fig2"),
    /// `title` names the figure ("Fig. 2"). The log receives progress lines, the progress the training's fraction done.</summary>
    public static StudyResult Run(StudyConfig config, string command, string title, RunContext context) =>
        Run(config, command, title, context, null);

    /// <summary>Run, with `afterTraining` (when not null) run between the training and the phases after it (the plan's
    /// calibration puts its stand-in networks there).</summary>
    internal static StudyResult Run(StudyConfig config, string command, string title, RunContext context, StudyPhase<StudyState>? afterTraining)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var outDir = context.OutDir;
        return ExperimentRun.Execute(command, config, context, run =>
        {
            var c = config.Train;
            var plan = new TrainPlan(c);
            var folder = Path.Combine(outDir, TrainExperiment.CheckpointFolder);
            var checkpoint = c.CheckpointEvery is { } every ? new CheckpointOptions(folder, every) : null;
            // the phases a run that checkpoints has finished: a resumed run restores them from their files
            var record = checkpoint is null ? null : PhaseRecord.Open(folder, command, config with { Train = c with { CheckpointMinutes = null } });
            using var state = new StudyState(config, plan, context.Device, outDir)
            {
                Log = context.Log, Progress = context.Progress, Cancel = run.Cancel, Checkpoint = checkpoint,
            };
            run.EndPhase("data");
            if (record is { Done.Count: > 0 })
                run.Results["kept_phases"] = record.Done.ToArray();
            var phases = StudyPhases.Figure(config).ToList();
            if (afterTraining is not null)
                phases.Insert(1, afterTraining);
            StudyPipeline.Run(phases, state, outDir, run.EndPhase, run.Cancel, record);
            if (state.ResumedFromEpoch > 0)
                run.Results["resumed_from_epoch"] = state.ResumedFromEpoch;

            var result = new StudyResult(state.Summary, state.Alignment.Summary, state.RobustAccuracy, state.Distance, run.Elapsed);
            WritePlots(config, plan, state.Alignment, state.RobustAccuracy, state.Distance, state.Dynamics?.Rows, outDir);
            run.EndPhase("plots");
            SyntheticReport.Write(run.PathOf("report.md"), new SyntheticReportInput(
                $"{title}: pReLU networks on K = {c.Subclasses} subclasses (K1 = {c.PositiveSubclasses}), D = {c.InputDim}, width {c.Width}",
                c.Subclasses, state.Distance, state.Alignment.Summary, state.RobustAccuracy, run.Elapsed));
            Record(run, result, c.Subclasses);
            run.Results["wall_seconds"] = run.Elapsed.TotalSeconds;
            return result with { WallTime = run.Elapsed };
        });
    }

    /// <summary>Optimizer steps of the whole run: one per mini-batch (sgd, adam) or one per epoch (gd).</summary>
    public static long TotalSteps(TrainConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        long perEpoch = c.Optimizer == OptimizerKind.Gd ? 1 : (c.NTrain + Math.Min(c.BatchSize, c.NTrain) - 1) / Math.Min(c.BatchSize, c.NTrain);
        return perEpoch * c.ResolvedEpochs;
    }

    /// <summary>Panels (a)–(e) and the dynamics: distance vs α, contributions and cosine maps of the first seed's networks
    /// at the smallest α (one per p), robust accuracy vs radius, neuron directions and norms during training.</summary>
    private static void WritePlots(StudyConfig config, TrainPlan plan, AlignmentResult alignment, List<RobustAccuracyRow> robust,
        IReadOnlyList<DistanceRow> distance, IReadOnlyList<DynamicsRow>? dynamics, string outDir)
    {
        var shown = plan.Networks.Where(n => n.DataSet == 0).ToList();
        if (distance.Any(d => double.IsFinite(d.Distance)))
            DistancePlot.Write(distance, Path.Combine(outDir, "a_distance.png"));
        ContributionPlot.Write(alignment.Neurons, [.. shown.Select(n => n.Index)], Path.Combine(outDir, "b_contributions.png"));
        var lowest = shown.MinBy(n => n.P)!;
        var highest = shown.MaxBy(n => n.P)!;
        CosineMapPlot.Write(alignment.Cosines, lowest.Index, Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"c_cosines_p{lowest.P:0.##}.png")));
        if (highest != lowest)
            CosineMapPlot.Write(alignment.Cosines, highest.Index, Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"d_cosines_p{highest.P:0.##}.png")));
        RobustAccuracyPlot.Write(robust, config.Train.Subclasses, Path.Combine(outDir, "e_robust_accuracy.png"));
        if (dynamics is { Count: > 0 })
            DynamicsPlot.Write(dynamics, Path.Combine(outDir, "dynamics.png"));
    }

    /// <summary>The headline numbers as manifest results: robust accuracy per p and radius, the largest distance of each p
    /// to its own ideal, diverged networks and the lowest test accuracy.</summary>
    private static void Record(ExperimentRun run, StudyResult result, int subclasses)
    {
        // per p: radius → [min, mean, max] robust accuracy over the attacked networks
        run.Results["robust_acc"] = result.RobustAccuracy.Where(r => r.Attack == AttackKind.Pgd.Name).GroupBy(r => r.P).ToDictionary(
            g => g.Key.ToString(CultureInfo.InvariantCulture),
            g => g.GroupBy(r => r.Radius).ToDictionary(h => h.Key.ToString("0.####", CultureInfo.InvariantCulture),
                h => new[] { h.Min(r => r.RobustAcc), h.Average(r => r.RobustAcc), h.Max(r => r.RobustAcc) }));
        var own = result.Distance.Where(d => d.P == 1 ? d.Ideal == "F" : d.Ideal == "Fp").ToList();
        foreach (var g in own.GroupBy(d => d.P))
            run.Results[string.Create(CultureInfo.InvariantCulture, $"dist_p{g.Key:0.##}_max")] = g.Max(d => d.Distance);
        run.Results["subclasses"] = subclasses;
        run.Results["diverged_networks"] = result.Summary.Count(s => s.Diverged);
        run.Results["min_test_acc"] = result.Summary.Where(s => !s.Diverged).Select(s => s.TestAcc).DefaultIfEmpty(double.NaN).Min();
    }
}
