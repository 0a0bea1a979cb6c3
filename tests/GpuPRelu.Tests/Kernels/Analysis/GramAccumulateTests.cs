using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Analysis;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Analysis;

[Collection(DeviceGroup.Name)]
public sealed class GramAccumulateTests(DeviceFixture fixture)
{
    internal static float[] Uniform(int seed, int n) =>
        [.. Enumerable.Range(0, n).Select(i => (float)(2 * new System.Random(seed * 7919 + i).NextDouble() - 1))];

    [Theory]
    [MemberData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesReference(string kind)
    {
        var device = fixture.Get(kind);
        const int B = 3, M = 13, H = 5;
        var s = new BatchShape(B, M, 4, H, 2, 0, 0);
        var a = Uniform(1, B * M * H);
        var g0 = Uniform(2, B * H * H);
        using var aBuf = device.Accelerator.Allocate1D(a);
        using var gBuf = device.Accelerator.Allocate1D(g0);

        device.Kernels.GramAccumulate(s, aBuf.View, gBuf.View);

        Close.Assert(GramAccumulateReference.Forward(a, g0, B, M, H), gBuf.GetAsArray1D(), what: "g");
    }
}
