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
/// curves of F and F^(p) on the same points (robust_accuracy.csv; with minRadius also each point's radius, FAB-T's
/// upper bound beside the exact one of F and F^(p): min_radius.csv, f_radius_distribution.png), the distance of every network to F and F^(p)
/// (distance.csv); then the panels (a)–(e) and the dynamics as PNG, report.md and manifest.json.</summary>
public static class StudyExperiment
{
    /// <summary>Runs a validated config on `device` into `outDir` (which must exist); `command` is the verb ("fig2"),
    /// `title` names the figure ("Fig. 2"). `log` receives progress lines, `progress` the training's fraction done.</summary>
    public static StudyResult Run(StudyConfig config, string command, string title, ComputeDevice device, string outDir, bool save,
        Action<string>? log = null, Action<double>? progress = null, bool minRadius = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(device);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        return ExperimentRun.Execute(command, config, device, outDir, run =>
        {
            var c = config.Train;
            var plan = new TrainPlan(c);
            var (train, test, mu, centers) = StudyData.Prepare(plan);
            var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, c.Init, c.InitScale);
            run.EndPhase("data");

            using var net = new NetworkBatch(device, plan.Shape, plan.Networks, theta, plan.Centers(train));
            // Fig. 1: the first seed's networks (one per p) at the smallest α, log-spaced over the whole run
            var watched = plan.Networks.Where(n => n.DataSet == 0).Select(n => n.Index).ToList();
            var dynamics = config.Snapshots > 0
                ? new NeuronDynamics(net, centers, NeuronDynamics.LogSpacedSteps(TotalSteps(c), Math.Max(2, config.Snapshots)), watched)
                : null;
            log?.Invoke($"training {plan.Networks.Count} networks");
            var summary = TrainExperiment.TrainBatch(plan, net, train, test, outDir, log, progress, dynamics is null ? null : dynamics.OnStep, cancel: run.Cancel,
                watches: dynamics is null ? null : dynamics.Watches);
            if (dynamics is not null)
                CsvOutput.Write(run.PathOf("dynamics.csv"), dynamics.Rows);
            if (save)
                TrainExperiment.Save(plan, net, outDir);
            run.EndPhase("train");

            var alignment = NeuronAlignment.Analyze(net, centers, config.Alignment);
            CsvOutput.Write(run.PathOf("neurons.csv"), alignment.Neurons);
            CsvOutput.Write(run.PathOf("cosines.csv"), alignment.Cosines);
            CsvOutput.Write(run.PathOf("alignment.csv"), alignment.Summary);
            run.EndPhase("alignment");

            log?.Invoke($"attacking the networks of α = {c.Alpha[0].ToString(CultureInfo.InvariantCulture)}: {config.Radii.Count} radii × {config.PgdPoints} points, {config.PgdSteps} PGD steps");
            var attacked = net.Networks.Where(x => x.Alpha == c.Alpha[0]).ToList();
            var robust = StudyAttack.Networks(config, net, attacked, test, x => x.Index.ToString(CultureInfo.InvariantCulture), run.Cancel);
            run.EndPhase("attack");
            // the exact radii of F and F^(p) on the same points: the engine's own output, timed apart from the paper's PGD
            robust.AddRange(StudyAttack.Ideals(config, attacked, test, mu, c.P));
            CsvOutput.Write(run.PathOf("robust_accuracy.csv"), robust);
            run.EndPhase("exact_radii");
            if (minRadius)
            {
                log?.Invoke($"minimal l2 radii: FAB-T on the same networks and points, beside the exact radii of F and F^(p)");
                var radii = StudyAttack.Radii(config, net, attacked, test, mu, c.P, x => x.Index.ToString(CultureInfo.InvariantCulture), run.Cancel);
                CsvOutput.Write(run.PathOf("min_radius.csv"), radii);
                RadiusDistributionPlot.Write(radii, c.Subclasses, run.PathOf("f_radius_distribution.png"));
                run.EndPhase("min_radius");
            }

            log?.Invoke($"distance to F and F^(p): {config.DistRepeats} × {config.DistStarts} starts × {config.DistSteps} steps per network");
            var distance = DistanceEstimate.Run(net, mu, c.Subclasses, c.PositiveSubclasses, config.Distance, run.Cancel);
            CsvOutput.Write(run.PathOf("distance.csv"), distance);
            run.EndPhase("distance");

            var result = new StudyResult(summary, alignment.Summary, robust, distance, run.Elapsed);
            WritePlots(config, plan, alignment, robust, distance, dynamics?.Rows, outDir);
            run.EndPhase("plots");
            SyntheticReport.Write(run.PathOf("report.md"), new SyntheticReportInput(
                $"{title}: pReLU networks on K = {c.Subclasses} subclasses (K1 = {c.PositiveSubclasses}), D = {c.InputDim}, width {c.Width}",
                c.Subclasses, distance, alignment.Summary, robust, run.Elapsed));
            Record(run, result, c.Subclasses);
            run.Results["wall_seconds"] = run.Elapsed.TotalSeconds;
            return result with { WallTime = run.Elapsed };
        }, cancel);
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
        run.Results["robust_acc"] = result.RobustAccuracy.Where(r => r.Attack == "pgd").GroupBy(r => r.P).ToDictionary(
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
