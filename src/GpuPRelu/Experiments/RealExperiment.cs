using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Plots;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>What a real-data run measured: the rows behind its CSVs and report.</summary>
public sealed record RealResult(
    IReadOnlyList<RealTrainingRow> Training,
    IReadOnlyList<RealSummaryRow> Summary,
    IReadOnlyList<RobustAccuracyRow> RobustAccuracy,
    TimeSpan WallTime);

/// <summary>The samples of a real-data run: training and test sets, the training samples labelled by subclass for the
/// correlation panel (MNIST: by digit; features: by class) and a description of the source.</summary>
public sealed record RealData(DataSet Train, DataSet Test, DataSet Subclasses, string Source);

/// <summary>`gpuprelu mnist` / `gpuprelu probe`: the paper's real-data study (§5.2, Figure 3) on one batch of p × repeats
/// networks. Phases, each writing its files as soon as it ends (a later failure keeps them): data (MNIST's reference
/// split, or a feature table split at random by the seed), training with Adam and softmax cross-entropy with
/// per-epoch loss, accuracies and stable ranks (training.csv, summary.csv), APGD-CE l∞ over the radii on the first
/// test points of every network at once (robust_accuracy.csv; also the short l∞/l2/l1 grids on request), then the
/// Figure-3 panels as PNG, report.md and manifest.json. With checkpoint_minutes the training checkpoints into
/// OUT/checkpoint and each finished phase is recorded there (PhaseRecord), so a run killed and run again on the same
/// folder writes what an uninterrupted one writes.</summary>
public static class RealExperiment
{
    /// <summary>The radius the paper's MNIST claim is read at: robust accuracy at 0.05 grows with p.</summary>
    public const double HeadlineRadius = 0.05;

    /// <summary>Runs a validated config in `context` (its output folder must exist), on `data` when the caller has
    /// loaded it already (Load), else loading it first.</summary>
    public static RealResult Run(RealConfig config, string command, RunContext context, RealData? data = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var outDir = context.OutDir;
        return ExperimentRun.Execute(command, config, context, run =>
        {
            var (train, test, subclasses, source) = data ?? Load(config);
            if (config.Attack == AttackKind.Standard && StudyConfig.StandardErrors(AttackNorm.Linf, SweepRadii(config), config.Box, train.Inputs).ToList() is { Count: > 0 } bad)
                throw new ArgumentException($"{source}: {string.Join("; ", bad)}");
            int R = config.Repeats, D = train.Inputs, C = train.Classes;
            // network b = (repeat, p): the p's of one repeat share its seed, so they start from the same weights and
            // see the same mini-batches (data set index = repeat)
            var infos = TrainPlan.Batch([.. Enumerable.Range(0, R).SelectMany(r => config.P.Select(p => (p, double.NaN, config.Seed + r)))]);
            var shape = new BatchShape(infos.Count, 0, D, config.Width, C, config.Bias ? 1 : 0, config.NormalizeInput ? 1 : 0);
            var theta = NetworkBatch.Initialize(shape, infos, InitKind.Kaiming, 1);
            var mean = config.Center ? train.MeanRow() : new float[D];
            var centers = new float[infos.Count * D];
            for (int b = 0; b < infos.Count; b++)
                mean.CopyTo(centers, b * D);
            context.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {train.Samples} training, {test.Samples} test samples of {D} features, {C} classes"));
            run.EndPhase("data");

            using var net = new NetworkBatch(context.Device, shape, infos, theta, centers);
            var folder = Path.Combine(outDir, TrainExperiment.CheckpointFolder);
            var checkpoint = config.CheckpointMinutes is { } minutes ? new CheckpointOptions(folder, TimeSpan.FromMinutes(minutes)) : null;
            // the phases a run that checkpoints has finished: a resumed run restores them from their files
            var record = checkpoint is null ? null : PhaseRecord.Open(folder, command, config with { CheckpointMinutes = null });
            if (record is { Done.Count: > 0 })
                run.Results["kept_phases"] = record.Done.ToArray();
            var state = new State(config, net, train, test, outDir, context.Log, context.Progress, checkpoint, run.Cancel);
            StudyPipeline.Run(Phases(config), state, outDir, run.EndPhase, run.Cancel, record);

            RealDataPlots.Correlation(subclasses, source, config.Source == DataSourceKind.Mnist ? "digit" : "class", run.PathOf("a_correlation.png"));
            RealDataPlots.Accuracy(state.Training, run.PathOf("b_accuracy.png"));
            RealDataPlots.StableRanks(state.Training, run.PathOf("c_stable_rank.png"));
            RobustAccuracyPlot.Write(state.Robust.Where(r => RealReport.Banded(r.Attack)), run.PathOf("d_robust_accuracy.png"), [],
                title: $"Robust accuracy, {source}");
            run.EndPhase("plots");

            var result = new RealResult(state.Training, state.Summary, state.Robust, run.Elapsed);
            RealReport.Write(run.PathOf("report.md"), config, source, train, test, Math.Min(config.AttackPoints, test.Samples), result);
            Record(run, result);
            run.Results["wall_seconds"] = run.Elapsed.TotalSeconds;
            return result;
        });
    }

    // what the phases share: the run's batch and data, where the outputs go, and each phase's rows
    private sealed record State(RealConfig Config, NetworkBatch Net, DataSet Train, DataSet Test, string OutDir, Action<string>? Log,
        Action<double>? Progress, CheckpointOptions? Checkpoint, CancellationToken Cancel)
    {
        public List<RealTrainingRow> Training { get; set; } = [];
        public List<RobustAccuracyRow> Robust { get; set; } = [];
        public List<RealSummaryRow> Summary { get; set; } = [];

        public string PathOf(string file) => Path.Combine(OutDir, file);
    }

    /// <summary>The files the phases of a run of `config` write (the plots and report.md aside).</summary>
    public static IReadOnlyList<string> Outputs(RealConfig config) => [.. Phases(config).SelectMany(p => p.Outputs)];

    // the real-data study's phases: Adam training with per-epoch metrics, then APGD-CE over the radii (and the short grids)
    private static List<StudyPhase<State>> Phases(RealConfig config) =>
    [
        new("train", ["training.csv", .. config.Save ? ["networks.safetensors"] : Array.Empty<string>()], s =>
        {
            s.Training = Train(s.Config, s.Net, s.Train, s.Test, s.Log, s.Progress, s.Checkpoint, s.Cancel);
            CsvOutput.Write(s.PathOf("training.csv"), s.Training);
            if (s.Config.Save)
            {
                // each network's seed in the metadata: attack --network keys its random starts by it, as this study does
                var infos = s.Net.Networks;
                NetworkFile.Write(s.PathOf("networks.safetensors"), s.Net.Shape, s.Net.ThetaToHost(), s.Config.Center ? s.Net.CentersToHost() : null,
                    [.. infos.Select(x => x.P)], new Dictionary<string, string> { ["seed"] = string.Join(",", infos.Select(x => x.Seed.ToString(CultureInfo.InvariantCulture))) });
            }
        }),
        new("attack", ["robust_accuracy.csv", "summary.csv"], s =>
        {
            var c = s.Config;
            var points = s.Test.Head(c.AttackPoints);
            var box = c.Box;
            var radii = SweepRadii(c);
            s.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"APGD-CE l∞: {s.Net.Networks.Count} networks × {radii.Count} radii × {points.Samples} points, {c.AttackIterations} iterations{(box is { } bx ? $", box [{bx.Lo}, {bx.Hi}]" : "")}"));
            s.Robust = Attack(c, s.Net, points, AttackNorm.Linf, radii, s.Cancel);
            if (c.ShortGrids)
            {
                s.Log?.Invoke("short grids: l∞ 0:0.1:3, l2 0:2:3, l1 0:10:3");
                s.Robust.AddRange(Attack(c, s.Net, points, AttackNorm.Linf, [0, 0.05, 0.1], s.Cancel, "short"));
                s.Robust.AddRange(Attack(c, s.Net, points, AttackNorm.L2, [0, 1, 2], s.Cancel, "short"));
                s.Robust.AddRange(Attack(c, s.Net, points, AttackNorm.L1, [0, 5, 10], s.Cancel, "short"));
            }
            CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.Robust);
            s.Summary = Summarize(c, s.Training, s.Robust);
            CsvOutput.Write(s.PathOf("summary.csv"), s.Summary);
        })
        {
            Restore = s =>
            {
                // without the band's rows, which follow when a kill came before their phase was recorded
                s.Robust = [.. CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv")).Where(r => !StudyBounds.IsBandRow(r))];
                s.Summary = CsvOutput.Read<RealSummaryRow>(s.PathOf("summary.csv"));
            },
        },
        .. Bounds(config),
    ];

    // the robust accuracy band's phases the config asks for, on every network and the attacked points: AutoAttack's
    // standard l∞ ensemble (attack: standard), then the certified l∞ radii inside the box (certify)
    private static List<StudyPhase<State>> Bounds(RealConfig config)
    {
        var phases = new List<StudyPhase<State>>();
        static string Name(NetworkInfo x) => x.Index.ToString(CultureInfo.InvariantCulture);
        List<DataSet> Points(State s) => [.. s.Net.Networks.Select(_ => s.Test.Head(s.Config.AttackPoints))];
        if (config.Attack == AttackKind.Standard)
        {
            phases.Add(new("standard_attack", ["robust_accuracy.csv"], s =>
            {
                s.Log?.Invoke("AutoAttack's standard l∞ ensemble on the same networks, points and radii");
                s.Robust.AddRange(StudyBounds.Standard(s.Net, s.Net.Networks, Points(s), AttackNorm.Linf, SweepRadii(s.Config), s.Config.Box, Name, s.Log, s.Cancel));
                CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.Robust);
            })
            {
                Restore = s => s.Robust = [.. CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv"))
                    .Where(r => !(StudyBounds.IsBandRow(r) && r.Attack == AttackKind.Certified.Name))],
            });
        }
        if (config.Certify)
        {
            phases.Add(new("certify", ["certified.csv", "robust_accuracy.csv"], s =>
            {
                s.Log?.Invoke("certified l∞ radii of the same networks and points" + (s.Config.Box is { } b ? string.Create(CultureInfo.InvariantCulture, $", box [{b.Lo}, {b.Hi}]") : ""));
                var options = new CertifyOptions(AttackNorm.Linf, s.Config.Box?.Lo, s.Config.Box?.Hi);
                var (rows, accuracy) = StudyBounds.Certify(s.Net, s.Net.Networks, Points(s), options, SweepRadii(s.Config), Name, s.Cancel);
                s.Robust.AddRange(accuracy);
                CsvOutput.Write(s.PathOf("certified.csv"), rows);
                CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.Robust);
            })
            {
                Restore = s => s.Robust = CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv")),
            });
        }
        return phases;
    }

    /// <summary>The config's samples (MNIST's split, or a feature table split at random by the seed); a malformed or mismatched
    /// file throws InvalidDataException or FileNotFoundException naming it.</summary>
    public static RealData Load(RealConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Source == DataSourceKind.Mnist)
        {
            string folder = MnistData.Locate(c.DataDir);
            int classes = c.Classes!.Value;
            // the digits label the correlation panel's subclasses; the study's labels are digits mod classes
            var digits = MnistData.Load(folder, MnistSplit.Train, 10, c.NTrain, c.PixelDivisor);
            var train = digits with { Y = [.. digits.Y.Select(y => y % classes)], Classes = classes };
            var test = MnistData.Load(folder, MnistSplit.Valid, classes, c.NTest, c.PixelDivisor);
            string name = c.Classes == 2 ? "MNIST parity" : string.Create(CultureInfo.InvariantCulture, $"MNIST digits mod {c.Classes}");
            return new RealData(train, test, digits, name);
        }
        var table = FeatureTable.Read(c.Features!, c.Labels, c.LabelColumn, c.Classes);
        if (Degenerate(table) is { } rule)
            throw new InvalidDataException($"{c.Features}: {rule}");
        if (c.SizeErrors(table.Inputs, table.Classes, table.Samples, table.Samples).ToList() is { Count: > 0 } sizes)
            throw new InvalidDataException($"{c.Features}: {string.Join("; ", sizes)}");
        if (c.LayerNorm)
            table = FeatureTable.LayerNormalize(table);
        int nTest = (int)Math.Round(table.Samples * c.TestFraction);
        if (nTest < 1 || nTest >= table.Samples)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{c.Features}: {table.Samples} rows leave {table.Samples - nTest} for training and {nTest} for testing at test_fraction {c.TestFraction}; both need ≥ 1"));
        // a seeded random split: a table sorted by label would otherwise test on its last classes only
        var order = CounterRandom.Permutation(c.Seed, RandomPurpose.TestSplit, 0, table.Samples);
        var rest = table.Rows(order[nTest..]);
        return new RealData(rest, table.Rows(order[..nTest]), rest, $"features {Path.GetFileName(c.Features)}");
    }

    // a table the probe cannot learn from (its plots and report would divide by zero): one class, or no feature that varies
    private static string? Degenerate(DataSet t)
    {
        if (t.Y.Distinct().Count() < 2)
            return string.Create(CultureInfo.InvariantCulture, $"every row has label {t.Y.FirstOrDefault()}; the probe needs rows of ≥ 2 classes");
        for (int j = 0; j < t.Inputs; j++)
        {
            for (int n = 1; n < t.Samples; n++)
            {
                if (t.X[(long)n * t.Inputs + j] != t.X[j])
                    return null;
            }
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"every feature is constant over the rows ({(t.X.All(x => x == 0) ? "all zero" : "all rows equal")}); the probe needs features that vary");
    }

    /// <summary>Plans the device memory of `config`'s batch on `data` on `device` (Trainer.PlanRows) from the sizes alone,
    /// before any work; throws InsufficientMemoryException naming the sizes.</summary>
    public static void PlanDevice(RealConfig config, RealData data, ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        var shape = new BatchShape(config.P.Count * config.Repeats, 0, data.Train.Inputs, config.Width, data.Train.Classes,
            config.Bias ? 1 : 0, config.NormalizeInput ? 1 : 0);
        Trainer.PlanRows(shape, device.MemoryBudget, (config.Repeats, data.Train.Samples), (config.Repeats, data.Test.Samples), Options(config));
    }

    private static TrainingOptions Options(RealConfig c) =>
        new(OptimizerKind.Adam, LossKind.CrossEntropy, c.Lr, c.Epochs, c.BatchSize, c.LogEvery, LogRows: c.LogRows);

    // Adam on every network, a row per network and log point with the stable ranks of W and of the hidden features. With
    // a checkpoint, the rows are also kept beside it as they come, since the stable ranks read θ: a resumed training
    // replays its log points while θ holds the checkpoint's parameters, so their rows are taken from the kept ones
    private static List<RealTrainingRow> Train(RealConfig c, NetworkBatch net, DataSet train, DataSet test, Action<string>? log,
        Action<double>? progress, CheckpointOptions? checkpoint, CancellationToken cancel)
    {
        var rankData = train.Head(c.RankSamples);
        var options = Options(c) with { Checkpoint = checkpoint };
        var rows = new List<RealTrainingRow>();
        var sets = Enumerable.Repeat(train, c.Repeats).ToList();
        var tests = Enumerable.Repeat(test, c.Repeats).ToList();
        var keptPath = checkpoint is null ? null : Path.Combine(checkpoint.Folder, "training.csv");
        // whole log points only (a kill during an append may leave part of one)
        var kept = keptPath is null ? [] : CsvOutput.ReadComplete<RealTrainingRow>(keptPath).GroupBy(r => r.Epoch)
            .Where(g => g.Count() == net.Shape.Networks).ToDictionary(g => g.Key, g => g.ToList());
        if (keptPath is not null)
        {
            Directory.CreateDirectory(checkpoint!.Folder);
            File.Delete(keptPath);
            if (kept.Count > 0)
                CsvOutput.Write(keptPath, kept.Values.SelectMany(g => g));
        }
        Trainer.Train(net, sets, tests, options, (metrics, done) =>
        {
            if (kept.TryGetValue(metrics[0].Epoch, out var point))
            {
                rows.AddRange(point);
            }
            else
            {
                var rankW = StableRank.OfWeights(net);
                var rankH = StableRank.OfHiddenFeatures(net, rankData);
                var added = metrics.Select(m => new RealTrainingRow(m.Network, net.Networks[m.Network].P, net.Networks[m.Network].DataSet,
                    net.Networks[m.Network].Seed, m.Epoch, m.Step, m.Loss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, rankH[m.Network],
                    rankW[m.Network], m.Diverged)).ToList();
                rows.AddRange(added);
                if (keptPath is not null)
                    CsvOutput.Extend(keptPath, added);
            }
            var line = string.Join(", ", metrics.GroupBy(m => net.Networks[m.Network].P).Select(g =>
                string.Create(CultureInfo.InvariantCulture, $"p {g.Key:0.##} test {g.Average(m => m.TestAccuracy):0.0000}")));
            log?.Invoke($"epoch {metrics[0].Epoch}: {line}");
            progress?.Invoke(done);
        }, cancel: cancel);
        return rows;
    }

    /// <summary>APGD-CE on every network at once at `radii` (ascending), with the config's box, iterations and restarts.</summary>
    private static List<RobustAccuracyRow> Attack(RealConfig c, NetworkBatch net, DataSet points, AttackNorm norm, IReadOnlyList<double> radii,
        CancellationToken cancel, string grid = "")
    {
        cancel.ThrowIfCancellationRequested();
        var box = c.Box;
        var options = new ApgdOptions(norm, ApgdLoss.CrossEntropy, c.AttackIterations, c.AttackRestarts, RandomStart: true,
            box?.Lo, box?.Hi, c.Seed) { Cancel = cancel };
        List<DataSet> sets = [.. net.Networks.Select(_ => points)];
        var robust = Apgd.Run(net, sets, radii, options);
        string attack = grid.Length == 0 ? AttackKind.ApgdCe.Name : $"{AttackKind.ApgdCe.Name}-{grid}";
        return StudyBounds.Rows(net, net.Networks, sets, norm, attack, radii, robust, x => x.Index.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The sweep's radii; on MNIST with 0.05 (the paper's headline radius) added where the grid spans it but
    /// misses it, as linspace(0, 0.2, 15) does (0.0429 and 0.0571 are equally near).</summary>
    public static IReadOnlyList<double> SweepRadii(RealConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        bool add = c.Source == DataSourceKind.Mnist && c.Radii[0] < HeadlineRadius && c.Radii[^1] > HeadlineRadius
            && !c.Radii.Contains(HeadlineRadius);
        return add ? [.. c.Radii.Append(HeadlineRadius).Order()] : c.Radii;
    }

    /// <summary>The swept radius the summary and the report read the paper's claim at: 0.05, else the nearest.</summary>
    public static double Headline(IEnumerable<double> radii) => radii.MinBy(r => Math.Abs(r - HeadlineRadius));

    private static List<RealSummaryRow> Summarize(RealConfig c, List<RealTrainingRow> training, List<RobustAccuracyRow> robust)
    {
        double radius = Headline(SweepRadii(c));
        return [.. training.GroupBy(t => t.Network).Select(g => g.MaxBy(t => t.Epoch)!).Select(t => new RealSummaryRow(t.Network, t.P,
            t.Repeat, t.Seed, t.Epoch, t.Loss, t.TrainAcc, t.TestAcc, t.StableRankH, t.StableRankW, radius,
            robust.Single(r => r.Attack == AttackKind.ApgdCe.Name && r.Network == t.Network.ToString(CultureInfo.InvariantCulture) && r.Radius == radius).RobustAcc,
            t.Diverged))];
    }

    /// <summary>Headline numbers as manifest results: per p, the mean clean test accuracy and the mean robust accuracy at
    /// each radius; diverged networks.</summary>
    private static void Record(ExperimentRun run, RealResult result)
    {
        run.Results["test_acc"] = result.Summary.GroupBy(s => s.P).ToDictionary(
            g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Average(s => s.TestAcc));
        run.Results["robust_acc"] = result.RobustAccuracy.Where(r => r.Attack == AttackKind.ApgdCe.Name).GroupBy(r => r.P).ToDictionary(
            g => g.Key.ToString(CultureInfo.InvariantCulture),
            g => g.GroupBy(r => r.Radius).ToDictionary(h => h.Key.ToString("0.####", CultureInfo.InvariantCulture), h => h.Average(r => r.RobustAcc)));
        run.Results["diverged_networks"] = result.Summary.Count(s => s.Diverged);
    }
}
