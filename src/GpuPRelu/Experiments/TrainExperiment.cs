using System.Globalization;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu train`: config → plan → data → one batch → training → training.csv, summary.csv,
/// manifest.json and optionally networks.safetensors in the output folder.</summary>
public static class TrainExperiment
{
    /// <summary>The subfolder of a run's output folder that holds its training checkpoint.</summary>
    public const string CheckpointFolder = "checkpoint";

    /// <summary>Runs a validated config in `context` (its output folder must exist). `load` starts from the networks of a
    /// file instead of a fresh init. The log receives one line per log point, the progress the fraction done.
    /// config.CheckpointMinutes saves the training state into OUT/checkpoint that often (0: every epoch) and resumes from
    /// a checkpoint already there (Trainer.Train); the outputs of a resumed run equal an uninterrupted one's (the manifest
    /// gains resumed_from_epoch). config.Trace exports what a twin run needs (TrainTrace); config.Save writes
    /// networks.safetensors. Returns the summary rows.</summary>
    public static IReadOnlyList<SummaryRow> Run(TrainConfig config, RunContext context, string? load = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var plan = new TrainPlan(config);
        var outDir = context.OutDir;
        return ExperimentRun.Execute("train", config, context, run =>
        {
            var theta = load is null
                ? NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale)
                : LoadTheta(load, plan);
            var (train, test) = plan.GenerateData();
            run.EndPhase("data");

            using var batch = new NetworkBatch(context.Device, plan.Shape, plan.Networks, theta, plan.Centers(train));
            var checkpoint = config.CheckpointEvery is { } every ? new CheckpointOptions(Path.Combine(outDir, CheckpointFolder), every) : null;
            var tracer = config.Trace is { } dir ? new TrainTrace(dir, config.TraceEvery ?? 100, plan, batch, train) : null;
            bool first = true;
            var summary = TrainBatch(plan, batch, train, test, outDir, context.Log, context.Progress, (epoch, step, time) =>
            {
                // a fresh run's first call is (0, 0, 0); a resumed one's is the checkpoint's epoch
                if (first && epoch > 0)
                    run.Results["resumed_from_epoch"] = epoch;
                first = false;
                tracer?.OnStep(epoch, step, time);
            }, checkpoint, step => tracer?.Watches(step) == true, run.Cancel);
            run.EndPhase("train");

            if (config.Save)
                Save(plan, batch, outDir);
            run.Results["diverged_networks"] = summary.Count(s => s.Diverged);
            run.Results["min_test_acc"] = summary.Where(s => !s.Diverged).Select(s => s.TestAcc).DefaultIfEmpty(double.NaN).Min();
            run.EndPhase("write");
            return summary;
        });
    }

    /// <summary>Trains `batch` (the plan's networks on its data) in place, keeping training.csv current (each log point's
    /// rows appended as whole lines, so a failure or a reader midway sees every row logged so far) and writing
    /// summary.csv at the end; a cancellation writes summary.csv of the last log point (its epoch column says which)
    /// and rethrows. `onStep` is the Trainer's per-step hook (`watches` the steps it needs, Trainer.Train); `checkpoint` its checkpoints (a resumed batch writes the
    /// same CSVs as an uninterrupted one: the restored log points are replayed). Returns the summary rows of the last
    /// epoch.</summary>
    public static IReadOnlyList<SummaryRow> TrainBatch(TrainPlan plan, NetworkBatch batch, DataSet[] train, DataSet[] test,
        string outDir, Action<string>? log = null, Action<double>? progress = null, Action<int, long, double>? onStep = null,
        CheckpointOptions? checkpoint = null, Func<long, bool>? watches = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batch);
        var config = plan.Config;
        var options = Options(config) with { Checkpoint = checkpoint };
        var trainingCsv = Path.Combine(outDir, "training.csv");
        IReadOnlyList<NetworkMetrics> last = [];
        IReadOnlyList<NetworkMetrics> metrics;
        try
        {
            metrics = Trainer.Train(batch, train, test, options, (point, fraction) =>
            {
                // the first log point starts the file (header included); later ones append whole lines
                if (last.Count == 0)
                    CsvOutput.Write(trainingCsv, point.Select(m => ToRow(plan, m)));
                else
                    CsvOutput.Append(trainingCsv, point.Select(m => ToRow(plan, m)));
                last = point;
                log?.Invoke(Describe(point, plan));
                progress?.Invoke(fraction);
            }, onStep, watches, cancel);
        }
        catch (OperationCanceledException)
        {
            CsvOutput.Write(Path.Combine(outDir, "summary.csv"), last.Select(m => ToSummary(plan, m)));
            throw;
        }
        batch.Device.Synchronize();
        var summary = metrics.Where(m => m.Epoch == options.Epochs).Select(m => ToSummary(plan, m)).ToList();
        CsvOutput.Write(Path.Combine(outDir, "summary.csv"), summary);
        return summary;
    }

    /// <summary>Plans the device memory of `config`'s batch on `device` (parameters, data sets, the training step's and the
    /// evaluation's rows: Trainer.PlanRows) from the sizes alone, before any work; throws InsufficientMemoryException
    /// naming the sizes.</summary>
    public static void PlanDevice(TrainConfig config, ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(device);
        var plan = new TrainPlan(config);
        Trainer.PlanRows(plan.Shape, device.MemoryBudget, (plan.DataSets, config.NTrain), (plan.DataSets, config.NTest), Options(config));
    }

    private static TrainingOptions Options(TrainConfig config) => new(config.Optimizer, config.Loss, config.Lr, config.ResolvedEpochs,
        config.BatchSize, config.LogEvery, LogRows: config.LogRows);

    private static SummaryRow ToSummary(TrainPlan plan, NetworkMetrics m) => new(m.Network, plan.Networks[m.Network].P,
        plan.Networks[m.Network].Alpha, plan.Networks[m.Network].Seed, m.Epoch, m.Step, m.FlowTime, m.Loss, m.TrainAccuracy,
        m.TestAccuracy, m.Diverged);

    /// <summary>Writes the batch to networks.safetensors in the reference's state-dict layout, with each network's α and
    /// seed in the metadata (the attack verb reads them back).</summary>
    public static void Save(TrainPlan plan, NetworkBatch batch, string outDir)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batch);
        NetworkFile.Write(Path.Combine(outDir, "networks.safetensors"), plan.Shape, batch.ThetaToHost(),
            plan.Config.Center ? batch.CentersToHost() : null, [.. plan.Networks.Select(n => n.P)], Metadata(plan));
    }

    private static TrainingRow ToRow(TrainPlan plan, NetworkMetrics m)
    {
        var n = plan.Networks[m.Network];
        return new TrainingRow(m.Network, n.P, n.Alpha, n.Seed, m.Epoch, m.Step, m.FlowTime, m.Loss, m.TrainAccuracy,
            m.TestLoss, m.TestAccuracy, m.Diverged);
    }

    private static string Describe(IReadOnlyList<NetworkMetrics> point, TrainPlan plan)
    {
        var m0 = point[0];
        var byP = point.GroupBy(m => plan.Networks[m.Network].P).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"p={g.Key:0.##}: loss {g.Average(m => m.Loss):0.####e+0} test_acc {g.Average(m => m.TestAccuracy):0.000}"));
        int diverged = point.Count(m => m.Diverged);
        return string.Create(CultureInfo.InvariantCulture, $"epoch {m0.Epoch} step {m0.Step} t={m0.FlowTime:0.###}  ")
            + string.Join("  ", byP) + (diverged > 0 ? $"  diverged {diverged}" : "");
    }

    private static Dictionary<string, string> Metadata(TrainPlan plan) => new()
    {
        ["alpha"] = string.Join(",", plan.Networks.Select(n => n.Alpha.ToString("R", CultureInfo.InvariantCulture))),
        ["seed"] = string.Join(",", plan.Networks.Select(n => n.Seed.ToString(CultureInfo.InvariantCulture))),
    };

    /// <summary>Reads the networks of `path` for a run of `config` (train --load) and checks that they fit its plan:
    /// throws InvalidDataException naming the file and both shapes, before any work.</summary>
    public static void CheckLoad(TrainConfig config, string path) => LoadTheta(path, new TrainPlan(config));

    private static float[] LoadTheta(string path, TrainPlan plan)
    {
        var (shape, theta, centers, p, _) = NetworkFile.Read(path);
        if (NetworkFile.NonFinite(path, shape, theta, centers) is { Count: > 0 } bad)
            throw new InvalidDataException($"{string.Join("; ", bad)}: training cannot start from them");
        if (shape != plan.Shape)
            throw new InvalidDataException($"{Path.GetFileName(path)} holds {shape.Networks} networks of D {shape.Inputs}, H {shape.Hidden}, C {shape.Outputs}, bias {shape.HasBias}, normalize_input {shape.NormalizeInput}; "
                + $"the config asks for {plan.Shape.Networks} networks of D {plan.Shape.Inputs}, H {plan.Shape.Hidden}, C {plan.Shape.Outputs}, bias {plan.Shape.HasBias}, normalize_input {plan.Shape.NormalizeInput}");
        if (p is not null && !p.SequenceEqual(plan.Networks.Select(n => (double)(float)n.P)))
            throw new InvalidDataException($"{Path.GetFileName(path)}: its p tensor ({string.Join(",", p)}) differs from the config's grid");
        return theta;
    }
}
