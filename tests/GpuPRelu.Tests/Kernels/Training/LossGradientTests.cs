using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Training;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Training;

[Collection(DeviceGroup.Name)]
public sealed class LossGradientTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Losses
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                for (int kind = 0; kind <= 2; kind++)
                    data.Add((string)device.Data, kind);
            }
            return data;
        }
    }

    public static TheoryData<string, int, int> LossesAndSeeds => Seeds.Cross(Losses);

    [Theory]
    [DeviceData(nameof(LossesAndSeeds))]
    public void MatchesReference(string device, int kind, int seed)
    {
        var dev = devices.Get(device);
        var rng = new System.Random(seed);
        int outputs = kind == 2 ? 4 : 1;
        var s = new BatchShape(3, 40, 1, 1, outputs, 0, 0);
        var spec = new LossSpec(kind, 1f / s.Samples);
        var f = NetworkCase.Normal(rng, s.Networks * s.Samples * outputs, 3.0);
        var ym = Enumerable.Range(0, s.Networks * s.Samples).Select(_ => rng.Next(kind == 2 ? outputs : 2)).ToArray();
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (g, loss, correct) = (arrays.Zeros(f.Length), arrays.Zeros(ym.Length), arrays.Zeros(ym.Length));
        dev.Kernels.Loss(s, spec, arrays.Upload(f), arrays.Upload(ym), g, loss, correct);
        var expected = LossGradientReference.Run(s, spec, NetworkCase.Wide(f), ym);
        Close.Assert(expected.G, DeviceArrays.Download(g), what: $"g (kind {kind}, seed {seed})");
        Close.Assert(expected.Loss, DeviceArrays.Download(loss), what: $"loss (kind {kind}, seed {seed})");
        Assert.Equal(expected.Correct, DeviceArrays.Download(correct));
    }
}
