using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class OutputForwardTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize) => Check(device, outputs, bias, normalize);

    /// <summary>The tiled kernel (TiledLaunchers, the GPU path) on ILGPU's CPU accelerator, at sizes that cross the 128 × 128
    /// tiles and the 8-deep slices with ragged edges (the output layer's shares of 2 tiles of hidden units).</summary>
    [Theory]
    [MemberData(nameof(Cases.Tiled), MemberType = typeof(Cases))]
    public void TiledMatchesReference(string device, int outputs, int bias, int normalize) =>
        Check(device, outputs, bias, normalize, samples: 130, inputs: 19, hidden: 133);

    private void Check(string device, int outputs, int bias, int normalize, int samples = 7, int inputs = 7, int hidden = 40)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples, inputs, hidden);
        var s = c.Shape;
        var (theta, u) = (NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.U));
        var r = ColumnNormsReference.Run(s, theta);
        var q = InputNormsReference.Run(s, u);
        using var arrays = new DeviceArrays(dev.Accelerator);
        int rows = s.Networks * s.Samples;
        var (z, a, f) = (arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Outputs));
        dev.Kernels.Forward(s, arrays.Upload(c.U), arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(r), arrays.Upload(q), z, a, f);
        // the output layer alone: f from the activations the kernel left in `a`
        var kernelA = DeviceArrays.Download(a);
        var expected = OutputForwardReference.Run(s, kernelA, theta);
        // float32 sums of H signed terms: the error scales with Σ|a_j·v_j|, not with the (possibly cancelled) sum
        var magnitude = OutputForwardReference.Run(s, [.. kernelA.Select(Math.Abs)], [.. theta.Select(Math.Abs)]);
        Close.Assert(expected, DeviceArrays.Download(f), 1e-6 * magnitude.Max(), what: $"f ({c})");
    }
}
