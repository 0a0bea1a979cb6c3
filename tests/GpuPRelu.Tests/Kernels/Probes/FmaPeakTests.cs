using GpuPRelu.Devices;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Probes;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Probes;

[Collection(DeviceGroup.Name)]
public sealed class FmaPeakTests(DeviceFixture devices)
{
    /// <summary>The chains compute what they claim (so the flops counted are real work), on fresh m and a.</summary>
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        float m = (float)(0.9 + 0.09 * rng.NextDouble()), a = (float)rng.NextDouble();
        const int threads = 2100, trips = 25;
        using var arrays = new DeviceArrays(dev.Accelerator);
        var sink = arrays.Zeros(threads);
        GpuPeak.Launcher(dev.Accelerator)(threads, trips, m, a, sink);
        // 100 contractive steps from values near 1..8: float32 rounding stays near 1e-6 relative
        Close.Assert(FmaPeakReference.Run(threads, trips, m, a), DeviceArrays.Download(sink), atol: 0, rtol: 1e-5,
            what: $"sink (seed {seed}, m {m}, a {a})");
    }
}
