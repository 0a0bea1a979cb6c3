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

    // the second shape crosses the managed Gemm's 16-column panels and its KC = 256 block of the inner dimension; the
    // last, the tiled kernel's 128 × 128 tiles (H 133) and 8-deep slices (M 21)
    public static TheoryData<string, int, int, int> Cases => new()
    {
        { "ilgpu-cpu", 3, 13, 5 }, { "cpu", 3, 13, 5 }, { "cuda", 3, 13, 5 },
        { "ilgpu-cpu", 2, 300, 37 }, { "cpu", 2, 300, 37 }, { "cuda", 2, 300, 37 },
        { "ilgpu-tiled", 3, 13, 5 }, { "ilgpu-tiled", 2, 21, 133 }, { "cuda", 2, 21, 133 },
    };

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string kind, int B, int M, int H)
    {
        var device = fixture.Get(kind);
        var s = new BatchShape(B, M, 4, H, 2, 0, 0);
        var a = Uniform(1, B * M * H);
        var g0 = Uniform(2, B * H * H);
        using var aBuf = device.Accelerator.Allocate1D(a);
        using var gBuf = device.Accelerator.Allocate1D(g0);

        device.Kernels.GramAccumulate(s, aBuf.View, gBuf.View);

        Close.Assert(GramAccumulateReference.Forward(a, g0, B, M, H), gBuf.GetAsArray1D(), what: "g");
    }
}
