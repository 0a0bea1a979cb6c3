using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class ApgdStepTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int, float> Rows
    {
        get
        {
            var data = new TheoryData<string, int, int, float>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    data.Add((string)device.Data, norm, 0, 1f);
                    data.Add((string)device.Data, norm, 1, 0.75f);
                }
            }
            return data;
        }
    }

    public static TheoryData<string, int, int, float, int> RowsAndSeeds => Seeds.Cross(Rows);

    [Theory]
    [DeviceData(nameof(RowsAndSeeds))]
    public void MatchesReference(string device, int norm, int box, float momentum, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 8, 7, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs, rows = s.Networks * s.Samples;
        var u0 = NetworkCase.Normal(rng, cells, 0.3);
        var u = u0.Select(x => x + (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
        var uPrev = u0.Select(x => x + (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
        var du = NetworkCase.Normal(rng, cells, 1.0);
        var radius = Enumerable.Range(0, s.Samples).Select(m => (float)(0.05 + 0.04 * m)).ToArray();
        var state = new float[rows * ApgdState.Width];
        for (int r = 0; r < rows; r++)
            state[r * ApgdState.Width + ApgdState.Eta] = (float)(0.02 + 0.2 * rng.NextDouble());
        var center = NetworkCase.Normal(rng, s.Networks * s.Inputs, 0.2);
        var broken = Enumerable.Range(0, rows).Select(_ => rng.Next(4) == 0 ? 1 : 0).ToArray();
        var spec = new ApgdSpec(norm, momentum, box, -0.25f, 0.3f);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var uView = arrays.Upload(u);
        var prevView = arrays.Upload(uPrev);
        dev.AttackKernels.ApgdStep(s, spec, arrays.Upload(u0), uView, prevView, arrays.Upload(du), arrays.Upload(state), arrays.Upload(radius),
            arrays.Upload(center), arrays.Upload(broken));
        var (expected, expectedPrev) = ApgdStepReference.Run(s, spec, NetworkCase.Wide(u0), NetworkCase.Wide(u), NetworkCase.Wide(uPrev),
            NetworkCase.Wide(du), NetworkCase.Wide(state), NetworkCase.Wide(radius), NetworkCase.Wide(center), broken);
        Close.Assert(expected, DeviceArrays.Download(uView), what: $"u (norm {norm}, box {box}, seed {seed})");
        Close.Assert(expectedPrev, DeviceArrays.Download(prevView), what: $"u_prev (norm {norm}, box {box}, seed {seed})");
    }
}
