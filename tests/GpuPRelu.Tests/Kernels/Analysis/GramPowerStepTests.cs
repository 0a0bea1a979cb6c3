using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Analysis;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Analysis;

[Collection(DeviceGroup.Name)]
public sealed class GramPowerStepTests(DeviceFixture fixture)
{
    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesReference(string kind)
    {
        var device = fixture.Get(kind);
        const int B = 2, H = 7;
        var s = new BatchShape(B, 0, 3, H, 1, 0, 0);
        var g = GramAccumulateTests.Uniform(3, B * H * H);
        var v = GramAccumulateTests.Uniform(4, B * H);
        using var gBuf = device.Accelerator.Allocate1D(g);
        using var vBuf = device.Accelerator.Allocate1D(v);
        using var yBuf = device.Accelerator.Allocate1D<float>(B * H);

        device.Kernels.GramPowerStep(s, gBuf.View, vBuf.View, yBuf.View);

        Close.Assert(GramPowerStepReference.Forward(g, v, B, H), yBuf.GetAsArray1D(), what: "y");
    }
}
