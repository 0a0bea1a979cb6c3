using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class ApgdUpdateTests(DeviceFixture devices)
{
    public static TheoryData<string, bool> Rows
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, true);
                data.Add((string)device.Data, false);
            }
            return data;
        }
    }

    public static TheoryData<string, bool, int> RowsAndSeeds => Seeds.Cross(Rows);

    [Theory]
    [DeviceData(nameof(RowsAndSeeds))]
    public void MatchesReference(string device, bool start, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(3, 6, 5, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs, rows = s.Networks * s.Samples;
        float[] Vector(int n) => NetworkCase.Normal(rng, n, 1.0);
        var (u, du, uPrev, uBest, duBest) = (Vector(cells), Vector(cells), Vector(cells), Vector(cells), Vector(cells));
        // integer-valued losses so ties (L = L_best, L = L_prev) occur and the strict comparisons are exercised
        var loss = Enumerable.Range(0, rows).Select(_ => (float)rng.Next(-2, 3)).ToArray();
        var correct = Enumerable.Range(0, rows).Select(_ => rng.Next(5) == 0 ? 0f : 1f).ToArray();
        var state = Enumerable.Range(0, rows * ApgdState.Width).Select(_ => (float)rng.Next(-2, 3)).ToArray();
        var radius = Enumerable.Range(0, s.Samples).Select(m => 0.1f * m).ToArray();
        var broken = Enumerable.Range(0, rows).Select(_ => rng.Next(5) == 0 ? 1 : 0).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (prevView, bestView, duBestView, stateView, brokenView) =
            (arrays.Upload(uPrev), arrays.Upload(uBest), arrays.Upload(duBest), arrays.Upload(state), arrays.Upload(broken));
        dev.AttackKernels.ApgdUpdate(s, start, 2f, arrays.Upload(loss), arrays.Upload(correct), arrays.Upload(u), arrays.Upload(du), prevView,
            bestView, duBestView, stateView, arrays.Upload(radius), brokenView);
        var expected = ApgdUpdateReference.Run(s, start, 2, NetworkCase.Wide(loss), NetworkCase.Wide(correct), NetworkCase.Wide(u),
            NetworkCase.Wide(du), NetworkCase.Wide(uPrev), NetworkCase.Wide(uBest), NetworkCase.Wide(duBest), NetworkCase.Wide(state),
            NetworkCase.Wide(radius), broken);
        string what = $"(start {start}, seed {seed})";
        Close.Assert(expected.UPrev, DeviceArrays.Download(prevView), what: "u_prev " + what);
        Close.Assert(expected.UBest, DeviceArrays.Download(bestView), what: "u_best " + what);
        Close.Assert(expected.DuBest, DeviceArrays.Download(duBestView), what: "g_best " + what);
        Close.Assert(expected.State, DeviceArrays.Download(stateView), what: "state " + what);
        Assert.Equal(expected.Broken, DeviceArrays.Download(brokenView));
    }
}
