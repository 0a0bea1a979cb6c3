using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Analysis;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Analysis;

[Collection(DeviceGroup.Name)]
public sealed class SphereAscentStepTests(DeviceFixture devices)
{
    public static TheoryData<string, float> Steps
    {
        get
        {
            var data = new TheoryData<string, float>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 0.01f);
                data.Add((string)device.Data, 0.3f);
                data.Add((string)device.Data, 0f);
            }
            return data;
        }
    }

    public static TheoryData<string, float, int> StepsAndSeeds => Seeds.Cross(Steps);

    [Theory]
    [DeviceData(nameof(StepsAndSeeds))]
    public void MatchesReference(string device, float step, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(3, 6, 11, 1, 1, 0, 0);
        int rows = s.Networks * s.Samples, cells = rows * s.Inputs;
        // points on the unit sphere; row 0 has parallel gradients c·∇f = ∇G, a stationary point that must not move
        var x = NetworkCase.Normal(rng, cells, 1.0);
        for (int r = 0; r < rows; r++)
        {
            double n = Math.Sqrt(Enumerable.Range(0, s.Inputs).Sum(d => (double)x[r * s.Inputs + d] * x[r * s.Inputs + d]));
            for (int d = 0; d < s.Inputs; d++)
                x[r * s.Inputs + d] = (float)(x[r * s.Inputs + d] / n);
        }
        var f = NetworkCase.Normal(rng, rows, 1.0);
        var g = NetworkCase.Normal(rng, rows, 1.0);
        var df = NetworkCase.Normal(rng, cells, 1.0);
        var dg = NetworkCase.Normal(rng, cells, 1.0);
        var scale = NetworkCase.Normal(rng, s.Networks, 1.0);
        // c = 1 and ∇G = ∇f make the difference exactly 0 in float32 and float64 alike
        scale[0] = 1f;
        for (int d = 0; d < s.Inputs; d++)
            dg[d] = df[d];
        var center = NetworkCase.Normal(rng, s.Networks * s.Inputs, 0.2);
        var u = NetworkCase.Normal(rng, cells, 1.0);
        var best = Enumerable.Range(0, rows).Select(_ => (float)(2 * rng.NextDouble())).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (xView, uView, bestView) = (arrays.Upload(x), arrays.Upload(u), arrays.Upload(best));

        dev.Kernels.SphereAscent(s, step, xView, arrays.Upload(f), arrays.Upload(g), arrays.Upload(df), arrays.Upload(dg),
            arrays.Upload(scale), arrays.Upload(center), uView, bestView);

        var (xRef, uRef, bestRef) = SphereAscentStepReference.Run(s, step, NetworkCase.Wide(x), NetworkCase.Wide(f),
            NetworkCase.Wide(g), NetworkCase.Wide(df), NetworkCase.Wide(dg), NetworkCase.Wide(scale), NetworkCase.Wide(center),
            NetworkCase.Wide(u), NetworkCase.Wide(best));
        string what = $"(step {step}, seed {seed})";
        Close.Assert(xRef, DeviceArrays.Download(xView), what: $"x {what}");
        Close.Assert(uRef, DeviceArrays.Download(uView), what: $"u {what}");
        Close.Assert(bestRef, DeviceArrays.Download(bestView), what: $"best {what}");
        Close.Assert(NetworkCase.Wide(x).AsSpan(0, s.Inputs), DeviceArrays.Download(xView).AsSpan(0, s.Inputs), what: $"stationary row {what}");
    }
}
