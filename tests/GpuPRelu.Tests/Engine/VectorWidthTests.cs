using System.Runtime.Intrinsics;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices.Managed;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The managed path gives the same bits with its 512-bit loops (Gemm.Wide) as with its 256-bit ones: training,
/// PGD and the distance estimate end to end on ragged sizes (D, H not multiples of 8, 16 or 32), so a run's files do not
/// depend on whether the CPU has AVX-512.</summary>
[Collection(DeviceGroup.Name)]
public sealed class VectorWidthTests(DeviceFixture devices)
{
    // (D, width, normalize_input with bias and center): every epilogue and elementwise loop with vector rests
    public static TheoryData<int, int, bool> Cases => new() { { 37, 53, false }, { 45, 80, true } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WideGivesTheSameBitsAsNarrow(int inputs, int width, bool normalize)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "Vector512 is not hardware-accelerated on this CPU");
        var config = SyntheticRun.Small with
        {
            InputDim = inputs, Width = width, Epochs = 4, NTrain = 300, NTest = 60, BatchSize = 50, LogEvery = 2,
            NormalizeInput = normalize, Bias = normalize, Center = normalize, P = [1, 2, 3],
        };
        bool saved = Gemm.Wide;
        try
        {
            Gemm.Wide = false;
            var narrow = RunAll(config);
            Gemm.Wide = true;
            var wide = RunAll(config);
            Assert.Equal(narrow.Theta.Select(BitConverter.SingleToInt32Bits), wide.Theta.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(narrow.Metrics, wide.Metrics);
            Assert.Equal(narrow.Robust, wide.Robust);
            Assert.Equal(narrow.Distance, wide.Distance);
        }
        finally
        {
            Gemm.Wide = saved;
        }
    }

    private (float[] Theta, string[] Metrics, string Robust, double[] Distance) RunAll(Configs.TrainConfig config)
    {
        using var run = new SyntheticRun(devices.Get("cpu"), config);
        var metrics = run.Train();
        var (_, test) = run.Plan.GenerateData();
        var robust = Pgd.Run(run.Net, [.. run.Plan.Networks.Select(n => test[n.DataSet])], [0.1, 0.3, 0.6], new PgdOptions(AttackNorm.L2, 15, 0.05, LossKind.Exp));
        var distance = DistanceEstimate.Run(run.Net, [.. run.Plan.Networks.Select(n => SubclassData.Centers(config.InputDim,
                config.Subclasses, config.RandomCenters, n.Seed))], config.Subclasses, config.PositiveSubclasses,
            new DistanceOptions { ScaleSamples = 200, Steps = 10, Starts = 8, Repeats = 1 }, TestContext.Current.CancellationToken);
        return (run.Net.ThetaToHost(), [.. metrics.Select(m => m.ToString())],
            string.Join(",", robust.SelectMany(b => b.SelectMany(r => r.Select(x => x ? '1' : '0')))),
            [.. distance.Select(d => d.Distance)]);
    }
}
