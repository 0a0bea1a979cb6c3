using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class ApgdL1StepTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Rows
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 0);
                data.Add((string)device.Data, 1);
            }
            return data;
        }
    }

    public static TheoryData<string, int, int> RowsAndSeeds => Seeds.Cross(Rows);

    [Theory]
    [DeviceData(nameof(RowsAndSeeds))]
    public void MatchesReference(string device, int box, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 8, 16, 1, 1, 0, 0);
        int cells = s.Networks * s.Samples * s.Inputs, rows = s.Networks * s.Samples;
        // clean points inside the box [0, 1] (center 0.3 added), current points a sparse perturbation of them
        var center = Enumerable.Range(0, s.Networks * s.Inputs).Select(_ => 0.3f).ToArray();
        var u0 = Enumerable.Range(0, cells).Select(_ => (float)(rng.NextDouble() - 0.3)).ToArray();
        var u = u0.Select(x => rng.Next(3) == 0 ? x + (float)(0.2 * (rng.NextDouble() - 0.5)) : x).ToArray();
        // integer-valued gradients (with zeros): ties at τ and dropped zeros are exercised
        var du = Enumerable.Range(0, cells).Select(_ => (float)rng.Next(-4, 5)).ToArray();
        var radius = Enumerable.Range(0, s.Samples).Select(m => (float)(0.1 + 0.3 * m)).ToArray();
        var state = new float[rows * ApgdState.Width];
        for (int r = 0; r < rows; r++)
        {
            state[r * ApgdState.Width + ApgdState.Eta] = (float)(0.05 + rng.NextDouble());
            state[r * ApgdState.Width + ApgdState.TopK] = (float)rng.NextDouble();
        }
        var broken = Enumerable.Range(0, rows).Select(_ => rng.Next(5) == 0 ? 1 : 0).ToArray();
        var l1Box = new L1Box(box, 0f, 1f);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var uView = arrays.Upload(u);
        dev.AttackKernels.ApgdL1Step(s, l1Box, arrays.Upload(u0), uView, arrays.Upload(du), arrays.Upload(state), arrays.Upload(radius),
            arrays.Upload(center), arrays.Upload(broken));
        var expected = ApgdL1StepReference.Run(s, l1Box, NetworkCase.Wide(u0), NetworkCase.Wide(u), NetworkCase.Wide(du),
            NetworkCase.Wide(state), NetworkCase.Wide(radius), NetworkCase.Wide(center), broken);
        Close.Assert(expected, DeviceArrays.Download(uView), what: $"u after an l1 step (box {box}, seed {seed})");
    }
}
