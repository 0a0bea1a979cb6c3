using System.Diagnostics;
using System.Globalization;
using System.Text;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Sweeps;

/// <summary>Runs one batch of a sweep through the study's pipeline (StudyPipeline: StudyPhases' train, then those of
/// alignment, attack on every network and distance the plan names) into a temporary folder, keys its CSVs by network id,
/// then commits it by renaming the folder to batches/NAME: a batch folder exists whole or not at all.</summary>
public static class BatchRunner
{
    /// <summary>The phase CSVs a batch folder holds (besides summary.csv), keyed by network_id.</summary>
    public static IReadOnlyList<string> PhaseFiles { get; } = ["training.csv", "alignment.csv", "robust_accuracy.csv", "certified.csv", "distance.csv"];

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
        return Execute(plan.Hash, batch, Phases(plan.Options.Phases, batch.Config), device, sweepDir, checkpointEvery, cancel).Seconds;
    }

    /// <summary>Runs `phases` on `batch` and commits its folder (batch.json records `planHash`, the seconds and each
    /// phase's seconds, "setup" being the data and the networks' upload); returns those timings.</summary>
    internal static (double Seconds, IReadOnlyDictionary<string, double> PhaseSeconds) Execute(string planHash, SweepBatch batch,
        IReadOnlyList<StudyPhase<StudyState>> phases, ComputeDevice device, string sweepDir, TimeSpan checkpointEvery, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(device);
        var clock = Stopwatch.StartNew();
        var final = Folder(sweepDir, batch);
        var temp = Path.Combine(sweepDir, "batches", $".{batch.Name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var checkpoint = new CheckpointOptions(CheckpointFolder(sweepDir, batch), checkpointEvery);
            using var state = new StudyState(batch.Config, batch.TrainPlan(), device, temp) { Checkpoint = checkpoint, Cancel = cancel };
            var phaseSeconds = new Dictionary<string, double> { ["setup"] = Math.Round(clock.Elapsed.TotalSeconds, 3) };
            var phaseClock = Stopwatch.StartNew();
            try
            {
                StudyPipeline.Run(phases, state, temp, name =>
                {
                    phaseSeconds[name] = Math.Round(phaseClock.Elapsed.TotalSeconds, 3);
                    phaseClock.Restart();
                }, cancel);
            }
            catch (InvalidDataException ex) when (ex.Message.StartsWith(checkpoint.Folder, StringComparison.Ordinal))
            {
                // a damaged checkpoint blocks only its batch: without it the batch trains again from its first epoch
                throw new InvalidDataException($"{ex.Message}; delete {checkpoint.Folder} to run batch {batch.Name} again from its start", ex);
            }
            File.Delete(Path.Combine(temp, "summary.csv"));
            var (summary, alignment, robust, distance) = (state.Summary, state.Alignment.Summary, state.RobustAccuracy, state.Distance);
            var ids = batch.Networks.Select(n => n.Id).ToArray();
            foreach (var file in PhaseFiles.Select(f => Path.Combine(temp, f)).Where(File.Exists))
                KeyById(file, ids);
            SweepTable.Write(Path.Combine(temp, "summary.csv"), batch, summary, robust, distance, alignment);
            AtomicFile.WriteText(Path.Combine(temp, "batch.json"), SweepPlan.Json(new
            {
                PlanHash = planHash,
                Batch = batch.Name,
                Networks = ids,
                Device = device.Description,
                ResumedFromEpoch = state.ResumedFromEpoch,
                Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
                PhaseSeconds = phaseSeconds,
            }));
            if (Directory.Exists(final))
                Directory.Delete(final, recursive: true);
            Directory.Move(temp, final);
            Directory.Delete(checkpoint.Folder, recursive: true);
            return (clock.Elapsed.TotalSeconds, phaseSeconds);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    // the study's phases a sweep runs on a batch: training (no snapshots), then those chosen, on every network of the batch;
    // with the attack, the band's phases its config asks for (attack: standard, certify)
    internal static List<StudyPhase<StudyState>> Phases(SweepPhases phases, StudyConfig config) =>
    [
        StudyPhases.Train(snapshots: false, save: false),
        .. phases.HasFlag(SweepPhases.Alignment) ? [StudyPhases.Alignment(everyNeuron: false)] : Array.Empty<StudyPhase<StudyState>>(),
        .. phases.HasFlag(SweepPhases.Attack) ? [StudyPhases.Attack(smallestAlpha: false), .. StudyPhases.Bounds(config, smallestAlpha: false)] : Array.Empty<StudyPhase<StudyState>>(),
        .. phases.HasFlag(SweepPhases.Distance) ? [StudyPhases.Distance] : Array.Empty<StudyPhase<StudyState>>(),
    ];

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
