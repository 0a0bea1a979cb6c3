using System.Globalization;
using System.Text;

namespace GpuPRelu.Sweeps;

/// <summary>`gpuprelu sweep --plan`: the plan as text — one line per batch (its shard, networks, the keys that set it,
/// device memory, flops, estimated seconds at the measured rate), then the totals and the estimated wall time over the
/// devices and shards.</summary>
public static class SweepPlanText
{
    /// <summary>Renders `plan` at `rate` flop/s per device with `devices` workers, split into `shard.Count` shards.</summary>
    public static string Render(SweepPlan plan, double rate, int devices, ShardSpec shard)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(shard);
        var ci = CultureInfo.InvariantCulture;
        var owner = ShardSpec.Assign(plan, shard.Count);
        var batchKeys = plan.Spec.Axes.SelectMany(a => a.Keys).Where(k => !SweepSpec.NetworkKeys.Contains(k)).Distinct().ToList();
        var text = new StringBuilder();
        text.Append(ci, $"plan {plan.Hash}\n");
        text.Append(ci, $"{plan.Networks.Count()} networks in {plan.Batches.Count} batches; phases {SweepOptions.Name(plan.Options.Phases)}; batch memory ≤ {plan.Options.BatchMemoryMib} MiB\n");
        text.Append(ci, $"{"batch",-6} {"shard",5} {"networks",8} {"MiB",9} {"GFLOP",11} {"est. s",9}  keys\n");
        foreach (var b in plan.Batches)
        {
            var keys = string.Join(" ", batchKeys.Select(k => $"{k}={b.Networks[0].Settings.Last(s => s.Key == k).Value}"));
            text.Append(ci, $"{b.Name,-6} {owner[b.Index],5} {b.Networks.Count,8} {b.Bytes / 1048576.0,9:0.0} {b.Flops / 1e9,11:0.0} {b.Flops / rate,9:0.0}  {keys}\n");
        }
        double total = plan.Batches.Sum(b => b.Flops);
        double busiest = Enumerable.Range(0, Math.Min(shard.Count, Math.Max(1, plan.Batches.Count))).Max(s => plan.Batches.Where(b => owner[b.Index] == s).Sum(b => b.Flops));
        text.Append(ci, $"total {total / 1e9:0.0} GFLOP at a measured {rate / 1e9:0.00} GFLOP/s per device: {Time(total / rate)} on one device");
        if (devices > 1 || shard.Count > 1)
            text.Append(ci, $", about {Time(busiest / rate / devices)} on {shard.Count} shard(s) × {devices} device(s)");
        text.Append('\n');
        return text.ToString();
    }

    private static string Time(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds)).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture);
}
