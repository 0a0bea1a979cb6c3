using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class WeightBackwardTests(DeviceFixture devices)
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
    /// tiles and the 8-deep slices with ragged edges: 2 × 2 tiles of dW (d 133 × j 130), 3 slices of the inner m (21 = 8 + 8
    /// + 5; each slice costs the emulator two 256-thread barriers per tile).</summary>
    [Theory]
    [MemberData(nameof(Cases.Tiled), MemberType = typeof(Cases))]
    public void TiledMatchesReference(string device, int outputs, int bias, int normalize) =>
        Check(device, outputs, bias, normalize, samples: 21, inputs: 133, hidden: 130);

    private void Check(string device, int outputs, int bias, int normalize, int samples = 9, int inputs = 7, int hidden = 21)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples, inputs, hidden);
        var s = c.Shape;
        var rng = new System.Random(c.Seed);
        int cells = s.Networks * s.Samples * s.Hidden;
        var (gz, t) = (NetworkCase.Normal(rng, cells, 1.0), NetworkCase.Normal(rng, cells, 1.0));
        var theta = NetworkCase.Wide(c.Theta);
        var r = NetworkCase.Wide(NetworkCase.Narrow(ColumnNormsReference.Run(s, theta)));
        using var arrays = new DeviceArrays(dev.Accelerator);
        var dTheta = arrays.Zeros(s.ParameterCount);
        dev.Kernels.WeightBackward(s, arrays.Upload(c.U), arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(r),
            arrays.Upload(gz), arrays.Upload(t), dTheta);
        var expected = WeightBackwardReference.Run(s, NetworkCase.Wide(c.U), theta, NetworkCase.Wide(c.P), r,
            NetworkCase.Wide(gz), NetworkCase.Wide(t));
        // float32 sums of signed products: the error scales with the largest value, not with each (possibly cancelled) sum
        double atol = 1e-6 * expected.Max(Math.Abs);
        Close.Assert(expected, DeviceArrays.Download(dTheta).AsSpan(0, expected.Length), atol, what: $"dW ({c})");
    }
}
