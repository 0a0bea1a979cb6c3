using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Analysis;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Analysis;

[Collection(DeviceGroup.Name)]
public sealed class PowerNormalizeTests(DeviceFixture fixture)
{
    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesReference(string kind)
    {
        var device = fixture.Get(kind);
        const int B = 3, H = 6;
        var s = new BatchShape(B, 0, 3, H, 1, 0, 0);
        var g = GramAccumulateTests.Uniform(5, B * H * H);
        var y = GramAccumulateTests.Uniform(6, B * H);
        Array.Clear(y, H, H); // network 1: y = 0 keeps its v
        var v = GramAccumulateTests.Uniform(7, B * H);
        using var gBuf = device.Accelerator.Allocate1D(g);
        using var yBuf = device.Accelerator.Allocate1D(y);
        using var vBuf = device.Accelerator.Allocate1D(v);
        using var lambda = device.Accelerator.Allocate1D<float>(B);
        using var trace = device.Accelerator.Allocate1D<float>(B);

        device.Kernels.PowerNormalize(s, gBuf.View, yBuf.View, vBuf.View, lambda.View, trace.View);

        var expected = PowerNormalizeReference.Forward(g, y, v, B, H);
        Close.Assert(expected.Lambda, lambda.GetAsArray1D(), what: "lambda");
        Close.Assert(expected.Trace, trace.GetAsArray1D(), what: "trace");
        Close.Assert(expected.V, vBuf.GetAsArray1D(), what: "v");
    }
}
