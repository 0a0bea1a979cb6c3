using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Reductions;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Reductions;

[Collection(DeviceGroup.Name)]
public sealed class RowSumsTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(5, 61, 1, 1, 1, 0, 0);
        var loss = NetworkCase.Normal(rng, s.Networks * s.Samples, 1.0).Select(Math.Abs).ToArray();
        var correct = Enumerable.Range(0, loss.Length).Select(_ => (float)rng.Next(2)).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var sums = arrays.Zeros(2 * s.Networks);
        dev.Kernels.RowSums(s, arrays.Upload(loss), arrays.Upload(correct), sums);
        Close.Assert(RowSumsReference.Run(s, NetworkCase.Wide(loss), NetworkCase.Wide(correct)), DeviceArrays.Download(sums),
            what: $"sums (seed {seed})");
    }
}
