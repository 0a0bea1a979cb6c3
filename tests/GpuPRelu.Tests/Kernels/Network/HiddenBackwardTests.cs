using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using GpuPRelu.Tests.Reference.Training;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class HiddenBackwardTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize);
        var s = c.Shape;
        var (theta, p) = (NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.P));
        // consistent intermediates from the float64 forward pass, rounded to what the kernel would hold
        var (r, q, (z, a), f) = NetworkReference.Forward(s, theta, p, NetworkCase.Wide(c.U));
        var (g, _, _) = LossGradientReference.Run(s, new LossSpec(outputs == 1 ? 1 : 2, 1f), f, c.Ym);
        (r, q, z, a, g) = (Round(r), Round(q), Round(z), Round(a), Round(g));
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (gz, t) = (arrays.Zeros(z.Length), arrays.Zeros(z.Length));
        dev.Kernels.HiddenBackward(s, arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(r), arrays.Upload(q),
            arrays.Upload(z), arrays.Upload(a), arrays.Upload(g), gz, t);
        var expected = HiddenBackwardReference.Run(s, theta, p, r, q, z, a, g);
        Close.Assert(expected.Gz, DeviceArrays.Download(gz), what: $"gz ({c})");
        Close.Assert(expected.T, DeviceArrays.Download(t), what: $"t ({c})");
    }

    private static double[] Round(double[] x) => NetworkCase.Wide(NetworkCase.Narrow(x));
}
