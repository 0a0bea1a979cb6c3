using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Training;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Training;

[Collection(DeviceGroup.Name)]
public sealed class SgdUpdateTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var (theta, dTheta) = (NetworkCase.Normal(rng, 333, 1.0), NetworkCase.Normal(rng, 333, 1.0));
        const float lr = 0.2f;
        using var arrays = new DeviceArrays(dev.Accelerator);
        var view = arrays.Upload(theta);
        dev.Kernels.Sgd(lr, view, arrays.Upload(dTheta));
        Close.Assert(SgdUpdateReference.Run(lr, NetworkCase.Wide(theta), NetworkCase.Wide(dTheta)), DeviceArrays.Download(view),
            what: $"theta (seed {seed})");
    }
}
