using System.Diagnostics;
using System.Globalization;
using System.Text;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Sweeps;

/// <summary>Runs one batch of a sweep through the study's phases (StudyData, TrainExperiment.TrainBatch,
/// NeuronAlignment, StudyAttack on every network, DistanceEstimate) into a temporary folder, keys its CSVs by network id,
/// then commits it by renaming the folder to batches/NAME: a batch folder exists whole or not at all.</summary>
public static class BatchRunner
{
    /// <summary>The phase CSVs a batch folder holds (besides summary.csv), keyed by network_id.</summary>
    public static IReadOnlyList<string> PhaseFiles { get; } = ["training.csv", "alignment.csv", "robust_accuracy.csv", "distance.csv"];

    /// <summary>The folder of a committed batch.</summary>
    public static string Folder(string sweepDir, SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Path.Combine(sweepDir, "batches", batch.Name);
    }

    /// <summary>The folder of a batch's training checkpoint (kept across kills; removed when the batch is committed).</summary>
    public static string CheckpointFolder(string sweepDir, SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Path.Combine(sweepDir, "checkpoints", batch.Name);
    }

    /// <summary>Runs `batch` of `plan` on `device` and commits its folder under `sweepDir`, checkpointing the training
    /// every `checkpointEvery` (and resuming from a checkpoint a killed run left); returns the seconds it took.</summary>
    public static double Run(SweepPlan plan, SweepBatch batch, ComputeDevice device, string sweepDir, TimeSpan checkpointEvery,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(device);
        var clock = Stopwatch.StartNew();
        var final = Folder(sweepDir, batch);
        var temp = Path.Combine(sweepDir, "batches", $".{batch.Name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var phases = plan.Options.Phases;
            var config = batch.Config;
            var c = config.Train;
            var train = batch.TrainPlan();
            var data = StudyData.Prepare(train);
            var theta = NetworkBatch.Initialize(train.Shape, train.Networks, c.Init, c.InitScale);
            using var net = new NetworkBatch(device, train.Shape, train.Networks, theta, train.Centers(data.Train));
            var checkpoint = new CheckpointOptions(CheckpointFolder(sweepDir, batch), checkpointEvery);
            int resumedFrom = -1;
            var summary = TrainExperiment.TrainBatch(train, net, data.Train, data.Test, temp,
                onStep: (epoch, _, _) => resumedFrom = resumedFrom < 0 ? epoch : resumedFrom, checkpoint: checkpoint, cancel: cancel,
                watches: _ => false);
            File.Delete(Path.Combine(temp, "summary.csv"));
            IReadOnlyList<AlignmentRow> alignment = [];
            if (phases.HasFlag(SweepPhases.Alignment))
            {
                alignment = NeuronAlignment.Analyze(net, data.Centers, config.Alignment).Summary;
                CsvOutput.Write(Path.Combine(temp, "alignment.csv"), alignment);
            }
            IReadOnlyList<RobustAccuracyRow> robust = [];
            if (phases.HasFlag(SweepPhases.Attack))
            {
                robust = StudyAttack.Networks(config, net, net.Networks, data.Test, x => x.Index.ToString(CultureInfo.InvariantCulture), cancel);
                CsvOutput.Write(Path.Combine(temp, "robust_accuracy.csv"), robust);
            }
            IReadOnlyList<DistanceRow> distance = [];
            if (phases.HasFlag(SweepPhases.Distance))
            {
                distance = DistanceEstimate.Run(net, data.Mu, c.Subclasses, c.PositiveSubclasses, config.Distance, cancel);
                CsvOutput.Write(Path.Combine(temp, "distance.csv"), distance);
            }
            var ids = batch.Networks.Select(n => n.Id).ToArray();
            foreach (var file in PhaseFiles.Select(f => Path.Combine(temp, f)).Where(File.Exists))
                KeyById(file, ids);
            SweepTable.Write(Path.Combine(temp, "summary.csv"), batch, summary, robust, distance, alignment);
            AtomicFile.WriteText(Path.Combine(temp, "batch.json"), SweepPlan.Json(new
            {
                PlanHash = plan.Hash,
                Batch = batch.Name,
                Networks = ids,
                Device = device.Description,
                ResumedFromEpoch = resumedFrom,
                Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            }));
            if (Directory.Exists(final))
                Directory.Delete(final, recursive: true);
            Directory.Move(temp, final);
            Directory.Delete(checkpoint.Folder, recursive: true);
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    // the first column (a network's index in the batch) becomes network_id
    private static void KeyById(string path, string[] ids)
    {
        var lines = File.ReadAllLines(path);
        var text = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            int comma = lines[i].IndexOf(',', StringComparison.Ordinal);
            var first = lines[i][..comma];
            text.Append(i == 0 ? "network_id" : ids[int.Parse(first, CultureInfo.InvariantCulture)]).Append(lines[i], comma, lines[i].Length - comma).Append('\n');
        }
        AtomicFile.WriteText(path, text.ToString());
    }
}
