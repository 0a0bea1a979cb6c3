namespace GpuPRelu.Sweeps;

/// <summary>`gpuprelu merge`: folds shard folders of one plan into one sweep folder — their committed batch folders
/// copied into it, its ledger written, then the sweep's outputs (SweepCollector), equal byte for byte to the outputs of
/// the unsharded sweep. Refuses, before writing anything, a folder that is not a sweep, shards of different plans
/// (naming the folder and both hashes) and a plan whose batches the shards do not all hold (naming them).</summary>
public static class SweepMerge
{
    /// <summary>What a merge of `shards` into `outDir` will copy: every check made, nothing written (the CLI takes the
    /// folder's lock between Check and Write).</summary>
    public static Merge Check(IReadOnlyList<string> shards, string outDir)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
            throw new FormatException("merge: name at least one shard folder");
        foreach (var s in shards.Where(File.Exists))
            throw new FormatException($"merge: '{s}' is a file; give the shard folders (the --out of each sweep --shard i/N)");
        foreach (var s in shards.Where(s => !Directory.Exists(s)))
            throw new FileNotFoundException($"merge: shard folder '{s}' does not exist");
        var hashes = shards.Select(s => SweepFolder.StoredHash(s) ?? throw new InvalidDataException($"merge: '{s}' is not a sweep folder (no plan.json)")).ToList();
        for (int i = 1; i < shards.Count; i++)
        {
            if (hashes[i] != hashes[0])
                throw new InvalidDataException($"merge: '{shards[i]}' holds plan {hashes[i][..12]}, '{shards[0]}' plan {hashes[0][..12]}: shards of different sweeps");
        }
        var plan = SweepFolder.Read(shards[0])!;
        // each batch from the first shard holding it whole (its folder is the commit; BatchCheck); a damaged copy is named
        // when no shard holds the batch whole
        var source = new Dictionary<string, string>();
        var damaged = new Dictionary<string, string>();
        foreach (var shard in shards)
        {
            foreach (var b in plan.Batches.Where(b => !source.ContainsKey(b.Name) && Directory.Exists(BatchRunner.Folder(shard, b))))
            {
                if (BatchCheck.Problem(plan, b, shard) is { } damage)
                    damaged.TryAdd(b.Name, damage);
                else
                    source[b.Name] = BatchRunner.Folder(shard, b);
            }
        }
        if (damaged.Where(d => !source.ContainsKey(d.Key)).Select(d => d.Value).ToList() is { Count: > 0 } broken)
        {
            throw new InvalidDataException($"merge: {broken[0]}{(broken.Count > 1 ? $" (and {broken.Count - 1} more damaged batch(es))" : "")}; "
                + "run gpuprelu sweep --resume on that shard's folder to run the batch again, then merge");
        }
        var missing = plan.Batches.Where(b => !source.ContainsKey(b.Name)).Select(b => b.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"merge: {missing.Count} of {plan.Batches.Count} batches of plan {plan.ShortHash} are in none of the "
                + $"{shards.Count} shard folders: {SweepCollector.Names(missing)} (a shard still running, failed or not given?)");
        }
        if (IO.OutputFolder.Problem(outDir) is { } problem)
            throw new FormatException(problem);
        if (IO.OutputFolder.HoldsEntries(Path.GetFullPath(outDir)))
            throw new InvalidDataException($"merge: out '{outDir}' exists and is not empty; choose another folder");
        return new Merge(plan, source);
    }

    /// <summary>Writes a checked merge into `outDir` (it exists): the batch folders, the ledger, the sweep's outputs;
    /// returns the plan.</summary>
    public static SweepPlan Write(Merge merge, string outDir)
    {
        ArgumentNullException.ThrowIfNull(merge);
        var (plan, source) = merge;
        var full = Path.GetFullPath(outDir);
        SweepRunner.Prepare(plan, full);
        var ledger = new SweepLedger(full);
        foreach (var b in plan.Batches)
        {
            var target = BatchRunner.Folder(full, b);
            var temp = Path.Combine(full, "batches", $".{b.Name}.tmp-{Guid.NewGuid():N}");
            Copy(source[b.Name], temp);
            Directory.Move(temp, target);
            ledger.Append(plan.Hash, b.Name, "merged from " + Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(source[b.Name]))), 0);
        }
        SweepCollector.Write(plan, full);
        return plan;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    /// <summary>A checked merge: the plan and, per batch name, the shard's batch folder it is copied from.</summary>
    public sealed record Merge(SweepPlan Plan, IReadOnlyDictionary<string, string> Source);
}
