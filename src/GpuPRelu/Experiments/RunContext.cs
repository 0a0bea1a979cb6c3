using GpuPRelu.Devices;

namespace GpuPRelu.Experiments;

/// <summary>What an experiment runs with besides its config: the device, the output folder (it exists: the caller created
/// and locked it), where its progress lines and the fraction of its work done go, and the token that cancels it (a
/// signal: the phases stop at their next step and the manifest says "cancelled").</summary>
public sealed record RunContext(ComputeDevice Device, string OutDir)
{
    public Action<string>? Log { get; init; }
    public Action<double>? Progress { get; init; }
    public CancellationToken Cancel { get; init; }
}
