using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class PgdStepTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int> Rows
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    for (int box = 0; box <= 1; box++)
                        data.Add((string)device.Data, norm, box);
                }
            }
            return data;
        }
    }

    public static TheoryData<string, int, int, int> RowsAndSeeds => Seeds.Cross(Rows);

    [Theory]
    [DeviceData(nameof(RowsAndSeeds))]
    public void MatchesReference(string device, int norm, int box, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(3, 10, 9, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs;
        var u0 = NetworkCase.Normal(rng, cells, 0.3);
        // current points: clean plus a perturbation, some already outside their ball so the projection acts
        var u = u0.Select(x => x + (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray();
        var du = NetworkCase.Normal(rng, cells, 1.0);
        var radius = Enumerable.Range(0, s.Samples).Select(m => (float)(0.05 + 0.05 * m)).ToArray();
        var center = NetworkCase.Normal(rng, s.Networks * s.Inputs, 0.2);
        var broken = Enumerable.Range(0, s.Networks * s.Samples).Select(_ => rng.Next(4) == 0 ? 1 : 0).ToArray();
        // a guard comparable to ‖g‖ (the paper's 1e-7 against a mean-reduced gradient) so the reference checks where it enters
        var spec = new PgdSpec(norm, 0.07f, box, -0.25f, 0.3f, 0.5f);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var uView = arrays.Upload(u);
        dev.Kernels.PgdStep(s, spec, arrays.Upload(u0), uView, arrays.Upload(du), arrays.Upload(radius), arrays.Upload(center),
            arrays.Upload(broken));
        var expected = PgdStepReference.Run(s, spec, NetworkCase.Wide(u0), NetworkCase.Wide(u), NetworkCase.Wide(du),
            NetworkCase.Wide(radius), NetworkCase.Wide(center), broken);
        Close.Assert(expected, DeviceArrays.Download(uView), what: $"u after a step (norm {norm}, box {box}, seed {seed})");
    }
}
