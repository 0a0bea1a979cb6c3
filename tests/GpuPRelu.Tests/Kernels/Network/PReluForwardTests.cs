using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class PReluForwardTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Cases.Network), MemberType = typeof(Cases))]
    public void MatchesReference(string device, int outputs, int bias, int normalize) => Check(device, outputs, bias, normalize);

    /// <summary>Sizes that cross the managed product's blocks (6-row, 16-column, MC 120 rows, KC 256 inner) with ragged
    /// edges everywhere; one setting per device.</summary>
    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesReferenceAcrossBlocks(string device) => Check(device, 3, 1, 1, samples: 127, inputs: 263, hidden: 270);

    /// <summary>The tiled kernel (TiledLaunchers, the GPU path) on ILGPU's CPU accelerator, at sizes that cross the 128 × 128
    /// tiles and the 8-deep slices with ragged edges (2 × 2 tiles of z, 17 slices of the inner m or j).</summary>
    [Theory]
    [MemberData(nameof(Cases.Tiled), MemberType = typeof(Cases))]
    public void TiledMatchesReference(string device, int outputs, int bias, int normalize) =>
        Check(device, outputs, bias, normalize, samples: 130, inputs: 19, hidden: 133);

    private void Check(string device, int outputs, int bias, int normalize, int samples = 7, int inputs = 7, int hidden = 21)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples, inputs, hidden);
        var s = c.Shape;
        var (theta, u, p) = (NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.U), NetworkCase.Wide(c.P));
        var r = NetworkCase.Wide(NetworkCase.Narrow(ColumnNormsReference.Run(s, theta)));
        var q = NetworkCase.Wide(NetworkCase.Narrow(InputNormsReference.Run(s, u)));
        using var arrays = new DeviceArrays(dev.Accelerator);
        int rows = s.Networks * s.Samples;
        var (z, a, f) = (arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Hidden), arrays.Zeros(rows * s.Outputs));
        dev.Kernels.Forward(s, arrays.Upload(c.U), arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(r), arrays.Upload(q), z, a, f);
        var expected = PReluForwardReference.Run(s, u, theta, p, r, q);
        // float32 sums of D signed products: the error scales with D and the largest value
        double atol = 1e-7 * s.Inputs;
        Close.Assert(expected.Z, DeviceArrays.Download(z), atol * expected.Z.Max(Math.Abs), what: $"z ({c})");
        Close.Assert(expected.A, DeviceArrays.Download(a), atol * expected.A.Max(Math.Abs), what: $"a ({c})");
    }
}
