using System.Globalization;
using System.Text;

namespace GpuPRelu.Sweeps;

/// <summary>`gpuprelu sweep --plan`: the plan as text — one line per batch (its shard, networks, the keys that set it,
/// device memory, flops, estimated seconds), then the totals, the estimated wall time over the devices and shards, and
/// the estimate's basis: a calibration on the device (PlanEstimate), or a rate the user gave.</summary>
public static class SweepPlanText
{
    /// <summary>Renders `plan` with each batch's time at `rate` flop/s per device, for `devices` workers and `shard.Count` shards.</summary>
    public static string Render(SweepPlan plan, double rate, int devices, ShardSpec shard)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Render(plan, b => b.Flops / rate, 0, devices, shard,
            string.Create(CultureInfo.InvariantCulture, $"{plan.Batches.Sum(b => b.Flops) / 1e9:0.0} GFLOP at the given {rate / 1e9:0.00} GFLOP/s per device (flops only: no launch or fixed costs, and every PGD row counted to its last step)"));
    }

    /// <summary>Renders `plan` with each batch's time from the calibrated `estimate`, for `devices` workers and `shard.Count` shards.</summary>
    public static string Render(SweepPlan plan, PlanEstimate estimate, int devices, ShardSpec shard)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(estimate);
        var ci = CultureInfo.InvariantCulture;
        var phases = new Dictionary<string, double>();
        foreach (var b in plan.Batches)
        {
            foreach (var (phase, seconds) in estimate.Phases(b))
                phases[phase] = phases.GetValueOrDefault(phase) + seconds;
        }
        var basis = string.Create(ci, $"{estimate.Basis}; per phase over the plan: {string.Join(", ", phases.Select(p => $"{p.Key} {p.Value:0.0} s"))}");
        return Render(plan, estimate.Seconds, estimate.WarmUp, devices, shard, basis);
    }

    private static string Render(SweepPlan plan, Func<SweepBatch, double> time, double warmUp, int devices, ShardSpec shard, string basis)
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
            text.Append(ci, $"{b.Name,-6} {owner[b.Index],5} {b.Networks.Count,8} {b.Bytes / 1048576.0,9:0.0} {b.Flops / 1e9,11:0.0} {time(b),9:0.0}  {keys}\n");
        }
        double total = warmUp + plan.Batches.Sum(time);
        // only the first min(shards, batches) shards can hold a batch
        double busiest = warmUp + Enumerable.Range(0, Math.Min(shard.Count, Math.Max(1, plan.Batches.Count)))
            .Max(s => plan.Batches.Where(b => owner[b.Index] == s).Sum(time)) / devices;
        text.Append(ci, $"total {plan.Batches.Sum(b => b.Flops) / 1e9:0.0} GFLOP; estimated {Time(total)} on one device");
        if (devices > 1 || shard.Count > 1)
            text.Append(ci, $", about {Time(busiest)} on {shard.Count} shard(s) × {devices} device(s)");
        text.Append(ci, $"\nbasis: {basis}");
        text.Append('\n');
        return text.ToString();
    }

    private static string Time(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds)).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture);
}
