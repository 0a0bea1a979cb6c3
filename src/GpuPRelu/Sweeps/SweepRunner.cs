using System.Diagnostics;
using System.Globalization;
using GpuPRelu.Devices;
using GpuPRelu.IO;

namespace GpuPRelu.Sweeps;

/// <summary>Runs a shard of a plan in a sweep folder (docs/design.md §5): one queue of the shard's batches not yet committed,
/// largest first, one worker per device (DevicePool); each batch committed atomically (BatchRunner) and then recorded in
/// the ledger. A run that is killed loses only the work since the last training checkpoint of the batches in flight;
/// run again on the same folder, it continues. The whole plan (shard 0/1) ends with the sweep's outputs
/// (SweepCollector); a shard's folder is folded by SweepMerge.</summary>
public static class SweepRunner
{
    /// <summary>Runs `shard` of `plan` in `dir` on the pool's devices, checkpointing each batch's training every
    /// `checkpointEvery`; `progress` gets a line per committed batch ("3/15 batches done, eta 00:01:10"). A folder of
    /// another plan is refused (InvalidDataException naming it and both hashes).</summary>
    public static void Run(SweepPlan plan, string dir, DevicePool pool, ShardSpec shard, TimeSpan checkpointEvery,
        Action<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(shard);
        var devices = pool.Devices;
        Prepare(plan, dir);
        var manifest = new RunManifest(dir, "sweep", new { PlanHash = plan.Hash, Shard = shard.ToString(), Phases = SweepOptions.Name(plan.Options.Phases) },
            string.Join("; ", devices.Select(d => d.Description)));
        var ledger = new SweepLedger(dir);
        var mine = shard.Batches(plan);
        var done = Committed(plan, dir, ledger, progress);
        var todo = mine.Where(b => !done.Contains(b.Name)).ToList();
        int total = mine.Count, finished = total - todo.Count;
        double flopsLeft = todo.Sum(b => b.Flops), flopsDone = 0;
        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        progress?.Invoke($"sweep {plan.ShortHash} shard {shard}: {finished}/{total} batches done, {todo.Count} to run on {devices.Count} device(s)");
        try
        {
            pool.Run(todo, b => b.Flops, (batch, device, token) =>
            {
                double seconds = BatchRunner.Run(plan, batch, device, dir, checkpointEvery, token);
                ledger.Append(plan.Hash, batch.Name, device.Spec.ToString(), seconds);
                lock (gate)
                {
                    finished++;
                    flopsDone += batch.Flops;
                    flopsLeft -= batch.Flops;
                    var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * Math.Max(0, flopsLeft) / flopsDone);
                    progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"{finished}/{total} batches done ({batch.Name}: {batch.Networks.Count} networks, {seconds:0.0} s on {device.Spec}), eta {eta:hh\\:mm\\:ss}"));
                }
            }, cancel);
            var checkpoints = Path.Combine(dir, "checkpoints");
            if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any())
                Directory.Delete(checkpoints);
            manifest.EndPhase("batches");
            manifest.Results["batches"] = total;
            manifest.Results["plan_hash"] = plan.Hash;
            if (shard.Count == 1)
            {
                SweepCollector.Write(plan, dir);
                manifest.EndPhase("collect");
            }
            manifest.Finish("ok");
        }
        catch (OperationCanceledException)
        {
            // SIGINT/SIGTERM (a scheduler's time limit): committed batches stay committed, a running batch's training
            // resumes from its last checkpoint
            manifest.Finish("cancelled");
            throw;
        }
        catch (Exception ex)
        {
            manifest.Finish($"failed: {(ex is AggregateException a ? a.InnerExceptions[0].Message : ex.Message)}");
            if (ex is AggregateException { InnerExceptions.Count: > 0 } agg)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(agg.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Checks that `dir` is empty or holds this plan (refusing another plan, naming the folder and both hashes),
    /// then writes plan.json and removes the temporary folders of batches a kill left behind.</summary>
    public static void Prepare(SweepPlan plan, string dir)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var stored = SweepFolder.StoredHash(dir);
        if (stored is not null && stored != plan.Hash)
        {
            throw new InvalidDataException($"{dir}: holds sweep plan {stored[..Math.Min(12, stored.Length)]}, not this one ({plan.ShortHash}); "
                + "resume it with its own config (or --resume alone), or choose another --out");
        }
        Directory.CreateDirectory(Path.Combine(dir, "batches"));
        if (stored is null)
            SweepFolder.Write(dir, plan);
        foreach (var temp in Directory.EnumerateDirectories(Path.Combine(dir, "batches"), ".*.tmp-*"))
            Directory.Delete(temp, recursive: true);
    }

    // batches in the ledger whose folders exist; a folder committed but not yet in the ledger (killed between the two) is
    // recorded now; a damaged folder (BatchCheck) is not committed: its batch runs again and replaces it
    private static HashSet<string> Committed(SweepPlan plan, string dir, SweepLedger ledger, Action<string>? progress)
    {
        var foreign = new List<int>();
        var done = ledger.Committed(plan.Hash, foreign);
        if (foreign.Count > 0)
        {
            progress?.Invoke($"{ledger.Path}: skipped line(s) {string.Join(", ", foreign.Take(10))}{(foreign.Count > 10 ? $", … ({foreign.Count - 10} more)" : "")}: "
                + "not ledger entries (a JSON object with the strings batch and plan); the batch folders are the record of what is committed");
        }
        done.RemoveWhere(name => !Directory.Exists(Path.Combine(dir, "batches", name)));
        var damaged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in plan.Batches.Where(b => Directory.Exists(BatchRunner.Folder(dir, b))))
        {
            if (BatchCheck.Problem(plan, b, dir) is not { } problem)
                continue;
            progress?.Invoke($"{problem}: batch {b.Name} runs again");
            damaged.Add(b.Name);
            done.Remove(b.Name);
        }
        foreach (var b in plan.Batches.Where(b => !done.Contains(b.Name) && !damaged.Contains(b.Name) && File.Exists(Path.Combine(BatchRunner.Folder(dir, b), "batch.json"))))
        {
            ledger.Append(plan.Hash, b.Name, "recovered", 0);
            done.Add(b.Name);
        }
        // a checkpoint left by a kill between a batch's commit and its clean-up
        foreach (var b in plan.Batches.Where(b => done.Contains(b.Name) && Directory.Exists(BatchRunner.CheckpointFolder(dir, b))))
            Directory.Delete(BatchRunner.CheckpointFolder(dir, b), recursive: true);
        return done;
    }
}
