using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.Models;

namespace GpuPRelu.Sweeps;

/// <summary>A batch of a sweep plan: networks that share every key but p, α and seed (so one buffer shape and one
/// optimizer), within the plan's memory; `Config` is their shared study configuration, Name its folder ("b0003").</summary>
public sealed record SweepBatch(int Index, StudyConfig Config, IReadOnlyList<SweepNetwork> Networks, long Bytes, double Flops)
{
    public string Name => $"b{Index:D4}";

    /// <summary>The training plan of the batch: its networks (p, α, seed) in plan order on the shared configuration.</summary>
    public TrainPlan TrainPlan() => new(Config.Train, [.. Networks.Select(n => (n.P, n.Alpha, n.Seed))]);

    /// <summary>The network descriptions of the batch, in order.</summary>
    public IReadOnlyList<NetworkInfo> Infos() => TrainPlan().Networks;
}
