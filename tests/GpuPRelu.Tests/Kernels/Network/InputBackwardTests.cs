using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Network;

[Collection(DeviceGroup.Name)]
public sealed class InputBackwardTests(DeviceFixture devices)
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
    /// tiles and the 8-deep slices with ragged edges: 2 × 2 tiles of du (m 130 × d 133), 3 slices of the inner j (21 = 8 + 8
    /// + 5; each slice costs the emulator two 256-thread barriers per tile).</summary>
    [Theory]
    [MemberData(nameof(Cases.Tiled), MemberType = typeof(Cases))]
    public void TiledMatchesReference(string device, int outputs, int bias, int normalize) =>
        Check(device, outputs, bias, normalize, samples: 130, inputs: 133, hidden: 21);

    private void Check(string device, int outputs, int bias, int normalize, int samples = 7, int inputs = 7, int hidden = 18)
    {
        var dev = devices.Get(device);
        var c = NetworkCase.Create(outputs, bias, normalize, samples, inputs, hidden);
        var s = c.Shape;
        var rng = new System.Random(c.Seed);
        int cells = s.Networks * s.Samples * s.Hidden;
        var (gz, t) = (NetworkCase.Normal(rng, cells, 1.0), NetworkCase.Normal(rng, cells, 1.0));
        var u = NetworkCase.Wide(c.U);
        var q = NetworkCase.Wide(NetworkCase.Narrow(InputNormsReference.Run(s, u)));
        using var arrays = new DeviceArrays(dev.Accelerator);
        var du = arrays.Zeros(u.Length);
        dev.Kernels.InputBackward(s, arrays.Upload(c.U), arrays.Upload(c.Theta), arrays.Upload(c.P), arrays.Upload(q),
            arrays.Upload(gz), arrays.Upload(t), du);
        var expected = InputBackwardReference.Run(s, u, NetworkCase.Wide(c.Theta), NetworkCase.Wide(c.P), q,
            NetworkCase.Wide(gz), NetworkCase.Wide(t));
        // float32 sums of signed products: the error scales with the largest value
        double atol = 1e-6 * expected.Max(Math.Abs);
        Close.Assert(expected, DeviceArrays.Download(du), atol, what: $"du ({c})");
    }
}
