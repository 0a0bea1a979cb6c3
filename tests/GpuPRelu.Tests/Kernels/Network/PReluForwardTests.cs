using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class PReluForwardTests(DeviceFixture devices)
{
    [Theory]
    [MemberData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize);
        var s = c.Shape;
        var (theta, u, p) = (NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.U), NetworkCase.Wide(c.P));
        var r = NetworkCase.Wide(NetworkCase.Narrow(ColumnNormsReference.Run(s, theta)));
        var q = NetworkCase.Wide(NetworkCase.Narrow(InputNormsReference.Run(s, u)));
        using var arrays = new DeviceArrays(dev.Accelerator);
        int rows = s.Networks * s.Samples;
        var (z, a, f) = (arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Outputs));
        dev.Kernels.Forward(s, arrays.Upload(c.U), arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(r), arrays.Upload(q), z, a, f);
        var expected = PReluForwardReference.Run(s, u, theta, p, r, q);
        Close.Assert(expected.Z, DeviceArrays.Download(z), what: $"z ({c})");
        Close.Assert(expected.A, DeviceArrays.Download(a), what: $"a ({c})");
    }
}
