using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class OutputBackwardTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples: 13);
        var s = c.Shape;
        var rng = new System.Random(c.Seed);
        var a = NetworkCase.Normal(rng, s.Networks * s.Samples * s.Hidden, 1.0);
        var g = NetworkCase.Normal(rng, s.Networks * s.Samples * s.Outputs, 1.0);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var dTheta = arrays.Upload(NetworkCase.Normal(rng, s.ParameterCount, 1.0)); // stale values must be overwritten
        dev.Kernels.OutputBackward(s, arrays.Upload(a), arrays.Upload(g), dTheta);
        var (dV, dBias) = OutputBackwardReference.Run(s, NetworkCase.Wide(a), NetworkCase.Wide(g));
        var actual = DeviceArrays.Download(dTheta);
        Close.Assert(dV, actual.AsSpan(s.VOffset, dV.Length), what: $"dV ({c})");
        Close.Assert(dBias, actual.AsSpan(s.BiasOffset, dBias.Length), what: $"db ({c})");
    }
}
