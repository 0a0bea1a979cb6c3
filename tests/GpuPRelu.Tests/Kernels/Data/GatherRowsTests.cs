using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Data;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Data;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Data;

[Collection(DeviceGroup.Name)]
public sealed class GatherRowsTests(DeviceFixture devices)
{
    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void MatchesReference(string device, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        const int sets = 3, n = 17, d = 5, b = 4, m = 6, offset = 7;
        var s = new BatchShape(b, m, d, 1, 1, 0, 0);
        var sel = new RowSelection(n, offset);
        var x = NetworkCase.Normal(rng, sets * n * d, 1.0);
        var y = Enumerable.Range(0, sets * n).Select(_ => rng.Next(10)).ToArray();
        var set = Enumerable.Range(0, b).Select(_ => rng.Next(sets)).ToArray();
        // one shuffled row order per data set
        var rows = Enumerable.Range(0, sets).SelectMany(_ => Enumerable.Range(0, n).OrderBy(_ => rng.Next())).ToArray();
        var center = NetworkCase.Normal(rng, b * d, 1.0);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var u = arrays.Zeros(b * m * d);
        var ym = arrays.Upload(new int[b * m]);
        dev.Kernels.Gather(s, sel, arrays.Upload(x), arrays.Upload(y), arrays.Upload(set), arrays.Upload(rows),
            arrays.Upload(center), u, ym);
        var expected = GatherRowsReference.Run(s, sel, x, y, set, rows, center);
        Close.Assert(expected.U, DeviceArrays.Download(u), what: $"u (seed {seed})");
        Assert.Equal(expected.Ym, DeviceArrays.Download(ym));
    }
}
