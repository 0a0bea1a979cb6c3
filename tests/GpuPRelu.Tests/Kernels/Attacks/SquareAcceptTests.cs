using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class SquareAcceptTests(DeviceFixture devices)
{
    public static TheoryData<string, int, bool> Cases
    {
        get
        {
            var data = new TheoryData<string, int, bool>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 1, false);
                data.Add((string)device.Data, 4, false);
                data.Add((string)device.Data, 4, true);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int classes, bool start)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(7 * classes + (start ? 1 : 0));
        const int D = 5;
        var s = new BatchShape(2, 8, D, 1, classes, 0, 0);
        int rows = s.Networks * s.Samples;
        // well-separated logits, so margins and argmaxes are exact in float32
        var f = Enumerable.Range(0, rows * classes).Select(_ => (float)(0.25 * rng.Next(-8, 9))).ToArray();
        var ym = Enumerable.Range(0, rows).Select(_ => rng.Next(Math.Max(2, classes))).ToArray();
        var u = Enumerable.Range(0, rows * D).Select(_ => (float)rng.NextDouble()).ToArray();
        var uBest = Enumerable.Range(0, rows * D).Select(_ => (float)rng.NextDouble()).ToArray();
        var best = Enumerable.Range(0, rows).Select(_ => (float)(0.25 * rng.Next(-2, 9) + 0.125)).ToArray();
        var broken = Enumerable.Range(0, rows).Select(i => i % 6 == 1 ? 1 : 0).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (bestView, uBestView, brokenView) = (arrays.Upload(best), arrays.Upload(uBest), arrays.Upload(broken));
        dev.AttackKernels.SquareAccept(s, start, arrays.Upload(f), arrays.Upload(ym), arrays.Upload(u), uBestView, bestView, brokenView);
        var expected = SquareAcceptReference.Run(s, start, NetworkCase.Wide(f), ym, NetworkCase.Wide(u), NetworkCase.Wide(uBest), NetworkCase.Wide(best), broken);
        Close.Assert(expected.UBest, DeviceArrays.Download(uBestView), atol: 0, rtol: 0, what: "best points");
        Close.Assert(expected.Best, DeviceArrays.Download(bestView), atol: 0, rtol: 0, what: "best margins");
        Assert.Equal(expected.Broken, DeviceArrays.Download(brokenView));
        // the case is not trivial: some rows accept, some keep their best point, some break
        Assert.Contains(Enumerable.Range(0, rows), i => expected.Best[i] != best[i]);
        Assert.Contains(Enumerable.Range(0, rows), i => broken[i] == 0 && expected.Best[i] == best[i] || start);
        Assert.Contains(Enumerable.Range(0, rows), i => broken[i] == 0 && expected.Broken[i] == 1);
    }
}
