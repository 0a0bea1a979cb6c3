using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class TargetedDlrLossTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int classes in new[] { 1, 2, 3, 4, 10 })
                {
                    data.Add((string)device.Data, classes, 11 + classes);
                    data.Add((string)device.Data, classes, 97 + classes);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int classes, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        var s = new BatchShape(2, 9, 1, 1, classes, 0, 0);
        int rows = s.Networks * s.Samples;
        // logits a permutation of well-separated values plus noise: ranks are unambiguous; labels often the top class,
        // targets any other class (one output: labels 0/1, the target unused)
        var f = new float[rows * classes];
        var ym = new int[rows];
        var target = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var order = Enumerable.Range(0, classes).OrderBy(_ => rng.Next()).ToArray();
            for (int c = 0; c < classes; c++)
                f[r * classes + c] = (float)(0.5 * order[c] + 0.1 * rng.NextDouble() - (classes == 1 ? 0.5 : 0));
            ym[r] = classes == 1 ? rng.Next(2) : rng.Next(2) == 0 ? Array.IndexOf(order, classes - 1) : rng.Next(classes);
            target[r] = classes == 1 ? 0 : (ym[r] + 1 + rng.Next(classes - 1)) % classes;
        }
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (g, loss, correct) = (arrays.Zeros(f.Length), arrays.Zeros(rows), arrays.Zeros(rows));
        dev.AttackKernels.TargetedDlrLoss(s, arrays.Upload(f), arrays.Upload(ym), arrays.Upload(target), g, loss, correct);
        var expected = TargetedDlrLossReference.Run(s, NetworkCase.Wide(f), ym, target);
        Close.Assert(expected.Loss, DeviceArrays.Download(loss), what: $"loss (seed {seed})");
        Close.Assert(expected.Correct, DeviceArrays.Download(correct), what: $"correct (seed {seed})");
        // the reference gradient is a central difference (h 1e-6) of the float64 loss
        Close.Assert(expected.G, DeviceArrays.Download(g), atol: 1e-5, what: $"∂L/∂f (seed {seed})");
    }

    private static readonly float[] HandLogits = [3, 1, 2, 0, -1];
    private static readonly int[] HandLabel = [0], HandTarget = [3];

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void MatchesAHandComputedCase(string device)
    {
        // f = (3, 1, 2, 0, −1), y = 0, t = 3: ranks 0, 2, 1, 3; Δ = 3 − (1 + 0)/2 = 2.5, q = 3 − 0 = 3, L = −1.2;
        // g = −1/Δ on y plus q/Δ² on π1 = y: −0.4 + 0.48 = 0.08; +1/Δ on t minus q/(2Δ²) as π4: 0.4 − 0.24 = 0.16;
        // −q/(2Δ²) = −0.24 on π3 = class 1; nothing on class 2 (π2) and class 4
        var dev = devices.Get(device);
        var s = new BatchShape(1, 1, 1, 1, 5, 0, 0);
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (g, loss, correct) = (arrays.Zeros(5), arrays.Zeros(1), arrays.Zeros(1));
        dev.AttackKernels.TargetedDlrLoss(s, arrays.Upload(HandLogits), arrays.Upload(HandLabel), arrays.Upload(HandTarget),
            g, loss, correct);
        Close.Assert([-1.2], DeviceArrays.Download(loss));
        Close.Assert([1.0], DeviceArrays.Download(correct));
        Close.Assert([0.08, -0.24, 0, 0.16, 0], DeviceArrays.Download(g));
    }
}
