using System.Globalization;

namespace GpuPRelu.Sweeps;

/// <summary>Shard i of N of a sweep: a deterministic share of the plan's batches, balanced by their flops (largest
/// first, each to the shard with the least work so far; ties to the lower index), so every shard of a job array computes
/// the same assignment without talking to the others.</summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static ShardSpec Whole { get; } = new(0, 1);

    /// <summary>"i/N" with 0 ≤ i &lt; N.</summary>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new FormatException($"shard: '{text}' is not i/N (e.g. 0/4)");
        return Checked(i, n, $"shard: '{text}'");
    }

    /// <summary>The shard of a Slurm job-array task: i = (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / step (arrays may
    /// start at 1 or any offset, and step by SLURM_ARRAY_TASK_STEP), N = SLURM_ARRAY_TASK_COUNT; null outside an array.</summary>
    public static ShardSpec? FromEnvironment(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env("SLURM_ARRAY_TASK_ID") is not { } idText || env("SLURM_ARRAY_TASK_COUNT") is not { } countText)
            return null;
        int id = Int("SLURM_ARRAY_TASK_ID", idText), count = Int("SLURM_ARRAY_TASK_COUNT", countText);
        int min = env("SLURM_ARRAY_TASK_MIN") is { } m ? Int("SLURM_ARRAY_TASK_MIN", m) : 0;
        int step = env("SLURM_ARRAY_TASK_STEP") is { } s ? Int("SLURM_ARRAY_TASK_STEP", s) : 1;
        if (step < 1 || (id - min) % step != 0)
            throw new FormatException($"SLURM_ARRAY_TASK_ID {id} is not SLURM_ARRAY_TASK_MIN {min} plus a multiple of SLURM_ARRAY_TASK_STEP {step}");
        return Checked((id - min) / step, count, $"Slurm array task {id} (min {min}, step {step}, count {count})");
    }

    /// <summary>Which shard of `count` runs each batch of the plan: LPT over the batches' flops. Ties go to the lower
    /// index, so the shards that get a batch are the first min(count, batches): planned in O(batches²) at most, however
    /// large `count` is (the others run nothing).</summary>
    public static int[] Assign(SweepPlan plan, int count)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var owner = new int[plan.Batches.Count];
        count = Math.Min(count, Math.Max(1, plan.Batches.Count));
        var load = new double[count];
        foreach (var b in plan.Batches.OrderByDescending(b => b.Flops).ThenBy(b => b.Index))
        {
            int least = 0;
            for (int s = 1; s < count; s++)
                least = load[s] < load[least] ? s : least;
            owner[b.Index] = least;
            load[least] += b.Flops;
        }
        return owner;
    }

    /// <summary>The batches of this shard, largest first.</summary>
    public IReadOnlyList<SweepBatch> Batches(SweepPlan plan)
    {
        var owner = Assign(plan, Count);
        return [.. plan.Batches.Where(b => owner[b.Index] == Index).OrderByDescending(b => b.Flops).ThenBy(b => b.Index)];
    }

    public override string ToString() => $"{Index}/{Count}";

    private static ShardSpec Checked(int i, int n, string what)
    {
        if (n < 1)
            throw new FormatException($"{what}: N must be ≥ 1, got {n}");
        if (i < 0 || i >= n)
            throw new FormatException($"{what}: i must be in 0..N−1 ({n - 1}), got {i}");
        return new ShardSpec(i, n);
    }

    private static int Int(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new FormatException($"{name}: '{text}' is not an integer");
}
