using GpuPRelu.Configs;

namespace GpuPRelu.Sweeps;

/// <summary>One network of a sweep: its stable id (the first 12 hex digits of the SHA-256 of its canonical
/// configuration), its full configuration (a study of one network: alpha [α], p [p], seed, seeds 1) and its swept
/// settings (one step of every axis).</summary>
public sealed record SweepNetwork(string Id, StudyConfig Config, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    public double P => Config.Train.P[0];
    public double Alpha => Config.Train.Alpha[0];
    public int Seed => Config.Train.Seed;
}
