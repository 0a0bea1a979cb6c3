using GpuPRelu.Devices;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>One accelerator per device kind, opened on first use and shared by every test of the collection
/// (opening one compiles the kernels). Tests on a device run one at a time: they share the accelerator's stream.</summary>
public sealed class DeviceFixture : IDisposable
{
    /// <summary>Set to 1 (run-gpu-tests.sh does) to make a missing CUDA device a failure instead of a skip.</summary>
    public const string RequireCudaVariable = "GPUPRELU_REQUIRE_CUDA";

    private readonly Dictionary<string, ComputeDevice> _open = [];

    /// <summary>The device kinds every kernel test runs on: ILGPU's CPU accelerator (the ILGPU kernels), the managed CPU
    /// path (its vectorized operations, ILGPU kernels for the rest) and CUDA.</summary>
    public static TheoryData<string> Devices => ["ilgpu-cpu", "cpu", "cuda"];

    /// <summary>Devices plus "ilgpu-tiled": ILGPU's CPU accelerator with 16 × 16-thread groups running the GPU path
    /// (TiledLaunchers), for engine tests small enough for its slow barriers.</summary>
    public static TheoryData<string> DevicesAndTiled => [.. Devices.Select(d => (string)d.Data), "ilgpu-tiled"];

    public static bool CudaRequired => Environment.GetEnvironmentVariable(RequireCudaVariable) == "1";

    /// <summary>Whether the CUDA rows of the device theories run ([DeviceData]): a CUDA device is present, or required
    /// (then a missing one fails each of them).</summary>
    public static bool CudaRuns { get; } = CudaRequired || ComputeDevice.CudaAvailable();

    /// <summary>The shared accelerator of the kind; a missing CUDA device skips the test (fails when required).</summary>
    public ComputeDevice Get(string kind)
    {
        lock (_open)
        {
            if (_open.TryGetValue(kind, out var device))
                return device;
            if (kind == "ilgpu-tiled")
                return _open[kind] = ComputeDevice.OpenTiledCpu();
            var parsed = kind switch
            {
                "cpu" => DeviceKind.Cpu,
                "ilgpu-cpu" => DeviceKind.IlgpuCpu,
                "cuda" => DeviceKind.Cuda,
                _ => throw new ArgumentException($"unknown test device '{kind}'", nameof(kind)),
            };
            if (parsed == DeviceKind.Cuda && !ComputeDevice.CudaAvailable())
            {
                if (CudaRequired)
                    Assert.Fail($"{RequireCudaVariable}=1 but no CUDA device is present (see 'gpuprelu devices')");
                Assert.Skip("no CUDA device");
            }
            device = ComputeDevice.Open(parsed);
            _open[kind] = device;
            return device;
        }
    }

    public void Dispose()
    {
        foreach (var device in _open.Values)
            device.Dispose();
    }
}

/// <summary>The collection of tests that launch kernels: they share one DeviceFixture and run sequentially.</summary>
[CollectionDefinition(Name)]
public sealed class DeviceGroup : ICollectionFixture<DeviceFixture>
{
    public const string Name = "device";
}
