using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class SpreadBrokenTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        const int points = 7, radii = 5;
        var s = new BatchShape(3, points * radii, 1, 1, 1, 0, 0);
        var broken = Enumerable.Range(0, s.Networks * s.Samples).Select(_ => rng.Next(6) == 0 ? 1 : 0).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var view = arrays.Upload(broken);
        dev.AttackKernels.SpreadBroken(s, points, view);
        Assert.Equal(SpreadBrokenReference.Run(s, points, broken), DeviceArrays.Download(view));
    }
}
