using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Attacks;

[Collection(DeviceGroup.Name)]
public sealed class FabMarginTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int classes in new[] { 1, 2, 5 })
                    data.Add((string)device.Data, classes);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void MatchesReference(string device, int classes)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(31 + classes);
        var s = new BatchShape(2, 9, 3, 1, classes, 0, 0);
        int rows = s.Networks * s.Samples, K = Math.Max(2, classes);
        // distinct quarter-step logits: argmaxes and differences are exact in float32
        var f = Enumerable.Range(0, rows * classes).Select(_ => (float)(0.25 * rng.Next(-12, 13))).ToArray();
        var ym = Enumerable.Range(0, rows).Select(_ => rng.Next(K)).ToArray();
        var target = ym.Select(y => (y + 1 + rng.Next(K - 1)) % K).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (g, margin, correct) = (arrays.Upload(new float[rows * classes]), arrays.Upload(new float[rows]), arrays.Upload(new float[rows]));
        dev.AttackKernels.FabMargin(s, arrays.Upload(f), arrays.Upload(ym), arrays.Upload(target), g, margin, correct);
        var expected = FabMarginReference.Run(s, NetworkCase.Wide(f), ym, target);
        Close.Assert(expected.G, DeviceArrays.Download(g), atol: 1e-6, what: "∂q/∂f");
        Close.Assert(expected.Margin, DeviceArrays.Download(margin), atol: 0, rtol: 0, what: "q = f_t − f_y");
        Close.Assert(expected.Correct, DeviceArrays.Download(correct), atol: 0, rtol: 0, what: "correct");
        // both verdicts occur
        Assert.Contains(1.0, expected.Correct);
        Assert.Contains(0.0, expected.Correct);
    }
}
