using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class FabAcceptTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 1, 2 })
                    data.Add((string)device.Data, norm);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int norm)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(57 + norm);
        const int D = 6;
        var s = new BatchShape(2, 10, D, 1, 1, 0, 0);
        int rows = s.Networks * s.Samples;
        var u0 = Enumerable.Range(0, rows * D).Select(_ => (float)rng.NextDouble()).ToArray();
        var u = u0.Select(x => x + (float)(0.4 * (rng.NextDouble() - 0.5))).ToArray();
        var uBest = Enumerable.Range(0, rows * D).Select(_ => (float)rng.NextDouble()).ToArray();
        // best norms around the typical perturbation: some rows improve, some do not; one row has none yet
        var best = Enumerable.Range(0, rows).Select(i => i == 3 ? float.PositiveInfinity : (float)(0.3 * rng.NextDouble() * (norm == 1 ? 3 : 1))).ToArray();
        var correct = Enumerable.Range(0, rows).Select(_ => rng.Next(3) == 0 ? 1f : 0f).ToArray();
        var active = Enumerable.Range(0, rows).Select(i => i % 7 == 2 ? 0 : 1).ToArray();
        correct[3] = 0f;
        active[3] = 1;
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (uView, uBestView, bestView) = (arrays.Upload(u), arrays.Upload(uBest), arrays.Upload(best));
        dev.AttackKernels.FabAccept(s, norm, 0.9f, arrays.Upload(correct), arrays.Upload(u0), uView, uBestView, bestView, arrays.Upload(active));
        var expected = FabAcceptReference.Run(s, norm, 0.9, NetworkCase.Wide(correct), NetworkCase.Wide(u0), NetworkCase.Wide(u),
            NetworkCase.Wide(uBest), NetworkCase.Wide(best), active);
        Close.Assert(expected.U, DeviceArrays.Download(uView), what: "u after the backward step");
        Close.Assert(expected.UBest, DeviceArrays.Download(uBestView), atol: 0, rtol: 0, what: "best points");
        Close.Assert(expected.Best.Select(v => double.IsPositiveInfinity(v) ? -1 : v).ToArray(),
            DeviceArrays.Download(bestView).Select(v => double.IsPositiveInfinity(v) ? -1 : v).ToArray(), what: "best norms");
        // the case is not trivial: some rows improve, some misclassified rows do not
        Assert.Contains(Enumerable.Range(0, rows), i => expected.Best[i] < best[i]);
        Assert.Contains(Enumerable.Range(0, rows), i => active[i] == 1 && correct[i] == 0 && expected.Best[i] == best[i]);
    }
}
