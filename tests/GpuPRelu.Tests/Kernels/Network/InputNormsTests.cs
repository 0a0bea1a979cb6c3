using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class InputNormsTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples: 11);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var q = arrays.Zeros(c.Shape.Networks * c.Shape.Samples);
        dev.Kernels.InputNorms(c.Shape, arrays.Upload(c.U), q);
        Close.Assert(InputNormsReference.Run(c.Shape, NetworkCase.Wide(c.U)), DeviceArrays.Download(q), what: $"q ({c})");
    }
}
