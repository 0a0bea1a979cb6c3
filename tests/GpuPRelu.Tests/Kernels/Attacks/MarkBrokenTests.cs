using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class MarkBrokenTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var correct = Enumerable.Range(0, 101).Select(_ => (float)rng.Next(2)).ToArray();
        var broken = Enumerable.Range(0, 101).Select(_ => rng.Next(2)).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var view = arrays.Upload(broken);
        dev.Kernels.MarkBroken(arrays.Upload(correct), view);
        Assert.Equal(MarkBrokenReference.Run(NetworkCase.Wide(correct), broken), DeviceArrays.Download(view));
    }
}
