using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class ColumnNormsTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, hidden: 37);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var r = arrays.Zeros(c.Shape.Networks * c.Shape.Hidden);
        dev.Kernels.ColumnNorms(c.Shape, arrays.Upload(c.Theta), r);
        Close.Assert(ColumnNormsReference.Run(c.Shape, NetworkCase.Wide(c.Theta)), DeviceArrays.Download(r), what: $"r ({c})");
    }
}
