using System.Globalization;

namespace GpuPRelu.Devices;

/// <summary>One device as the command line names it: a kind and its index among the devices of that kind, written
/// `cuda:1`; a kind without an index means index 0 (`cuda` is `cuda:0`). CUDA and OpenCL indices count the devices
/// ILGPU finds, in its order (CUDA's device order, after CUDA_VISIBLE_DEVICES). `ilgpu-cpu:0` … `ilgpu-cpu:15` are
/// independent instances of ILGPU's CPU accelerator (each its own context and threads), so several of them can stand
/// in for several GPUs. The managed CPU path is one device, `cpu:0`: it already spreads every step over all cores, and
/// a second instance would only compete for them. Auto takes no index.</summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index = 0)
{
    /// <summary>How many independent ILGPU CPU accelerators the indices `ilgpu-cpu:0` … name.</summary>
    public const int IlgpuCpuInstances = 16;

    /// <summary>The spec as the command line writes it: `auto`, `cuda:1`, `cpu:0`.</summary>
    public override string ToString() =>
        Kind == DeviceKind.Auto ? "auto" : string.Create(CultureInfo.InvariantCulture, $"{ComputeDevice.Name(Kind)}:{Index}");

    /// <summary>Parses `auto | cuda | opencl | cpu | ilgpu-cpu`, optionally followed by `:index`. Throws FormatException
    /// whose message starts with `flag` and the text and names the rule (an unknown kind, an index that is not a
    /// non-negative integer, an index on auto, `cpu:i` with i > 0, `ilgpu-cpu:i` beyond the instances). Whether a CUDA
    /// or OpenCL index is present on this machine is ComputeDevice.Unavailable's question.</summary>
    public static DeviceSpec Parse(string text, string flag = "--device")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var kind = parts[0] switch
        {
            "auto" => DeviceKind.Auto,
            "cuda" => DeviceKind.Cuda,
            "opencl" => DeviceKind.OpenCL,
            "cpu" => DeviceKind.Cpu,
            "ilgpu-cpu" => DeviceKind.IlgpuCpu,
            _ => throw Bad(flag, text, $"'{parts[0]}' is not one of auto, cuda, opencl, cpu, ilgpu-cpu (optionally with :index, e.g. cuda:1)"),
        };
        if (parts.Length == 1)
            return new DeviceSpec(kind);
        if (parts.Length > 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            throw Bad(flag, text, $"the index after ':' must be a non-negative integer (e.g. {parts[0]}:1)");
        var spec = new DeviceSpec(kind, index);
        if (kind == DeviceKind.Auto)
            throw Bad(flag, text, "auto takes no index; name the kind (cuda:1)");
        if (spec.Problem() is { } rule)
            throw Bad(flag, text, rule);
        return spec;
    }

    /// <summary>Parses a comma-separated list of specs (`cuda:0,cuda:2`, `ilgpu-cpu:0,ilgpu-cpu:1`) or `all`: every CUDA
    /// device of this machine, or `cpu:0` where there is none. Refuses (FormatException naming `flag`) an empty list, a
    /// device named twice, and auto beside other devices.</summary>
    public static IReadOnlyList<DeviceSpec> ParseList(string text, string flag = "--devices")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            int cuda = ComputeDevice.Count(DeviceKind.Cuda);
            return cuda == 0 ? [new DeviceSpec(DeviceKind.Cpu)] : [.. Enumerable.Range(0, cuda).Select(i => new DeviceSpec(DeviceKind.Cuda, i))];
        }
        if (text.Split(',').Any(string.IsNullOrWhiteSpace))
            throw Bad(flag, text, "expected 'all' or a comma-separated list of devices such as cuda:0,cuda:2, with no empty entries");
        var specs = text.Split(',', StringSplitOptions.TrimEntries).Select(s => Parse(s, flag)).ToList();
        var twice = specs.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw Bad(flag, text, $"{twice.Key} is named {twice.Count()} times; each device runs one worker");
        if (specs.Count > 1 && specs.Contains(new DeviceSpec(DeviceKind.Auto)))
            throw Bad(flag, text, "auto cannot stand beside other devices; name each one (cuda:0,cuda:1)");
        return specs;
    }

    /// <summary>The rule the spec breaks whatever the machine holds, or null.</summary>
    internal string? Problem() => (Kind, Index) switch
    {
        (_, < 0) => "a device index must be ≥ 0",
        (DeviceKind.Auto, > 0) => "auto takes no index; name the kind (cuda:1)",
        (DeviceKind.Cpu, > 0) => $"the managed CPU path is one device, cpu:0 (it already uses all {Environment.ProcessorCount} cores); "
            + $"use ilgpu-cpu:0 … ilgpu-cpu:{IlgpuCpuInstances - 1} for several CPU stand-ins",
        (DeviceKind.IlgpuCpu, >= IlgpuCpuInstances) =>
            $"ilgpu-cpu takes the indices 0 … {IlgpuCpuInstances - 1} (independent instances of ILGPU's CPU accelerator)",
        _ => null,
    };

    private static FormatException Bad(string flag, string text, string rule) => new($"{flag} {text}: {rule}");
}
