using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class DlrLossTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Classes
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 3);
                data.Add((string)device.Data, 10);
            }
            return data;
        }
    }

    public static TheoryData<string, int, int> ClassesAndSeeds => Seeds.Cross(Classes);

    [Theory]
    [DeviceData(nameof(ClassesAndSeeds))]
    public void MatchesReference(string device, int classes, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 9, 1, 1, classes, 0, 0);
        int rows = s.Networks * s.Samples;
        // logits a permutation of well-separated values plus noise: ranks are unambiguous, labels are often the top class
        var f = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            var order = Enumerable.Range(0, classes).OrderBy(_ => rng.Next()).ToArray();
            for (int c = 0; c < classes; c++)
                f[r * classes + c] = (float)(0.5 * order[c] + 0.1 * rng.NextDouble());
        }
        var ym = Enumerable.Range(0, rows).Select(r => rng.Next(2) == 0 ? Array.IndexOf(f, f.Skip(r * classes).Take(classes).Max(), r * classes) - r * classes : rng.Next(classes)).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (g, loss, correct) = (arrays.Zeros(f.Length), arrays.Zeros(rows), arrays.Zeros(rows));
        dev.AttackKernels.DlrLoss(s, arrays.Upload(f), arrays.Upload(ym), g, loss, correct);
        var expected = DlrLossReference.Run(s, NetworkCase.Wide(f), ym);
        Close.Assert(expected.Loss, DeviceArrays.Download(loss), what: $"loss (seed {seed})");
        Close.Assert(expected.Correct, DeviceArrays.Download(correct), what: $"correct (seed {seed})");
        // the reference gradient is a central difference (h 1e-6) of the float64 loss
        Close.Assert(expected.G, DeviceArrays.Download(g), atol: 1e-5, what: $"∂L/∂f (seed {seed})");
    }
}
