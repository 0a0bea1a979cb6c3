using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Training;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Training parity with the paper's code, checked without PyTorch: the engine's SGD trajectory against a float64 reference trainer
/// (SgdTrainerReference) from the same θ₀ on the same mini-batches, step for step over 300 steps. A wrong term or scale
/// (the radial term of ∂a/∂w, the mean's 1/rows on the short last batch, the learning rate, the shuffle) moves θ by
/// orders of magnitude more than float32 rounding does here (≈ 1e-6 relative).</summary>
[Collection(DeviceGroup.Name)]
public sealed class TrainingParityTests(DeviceFixture devices)
{
    /// <summary>D 12, K 4, K1 2, width 10, p ∈ {1, 2.5, 3}, 2 seeds; n 70 in batches of 16 (5 steps an epoch, the last of
    /// 6 rows); init std 0.1 so that the ‖w‖ term of the p &gt; 1 gradient weighs from the first step; 60 epochs.</summary>
    private static readonly TrainConfig Small = new()
    {
        InputDim = 12, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.2], P = [1, 2.5, 3], Seeds = 2, Width = 10,
        InitScale = 0.1, Lr = 0.2, Epochs = 60, BatchSize = 16, NTrain = 70, NTest = 10, LogEvery = 60,
    };

    /// <summary>The managed CPU path and, where present, CUDA (the tiled kernels; on ILGPU's CPU accelerator they took
    /// minutes here, and GpuPathAgreesWithCpu holds them to the CPU path), over 300 steps.</summary>
    public static TheoryData<string, int, string, int> Runs => new()
    {
        { "cpu", 3, "exp", 60 }, { "cpu", 11, "exp", 60 }, { "cpu", 29, "logistic", 60 }, { "cuda", 3, "exp", 60 },
    };

    [Theory]
    [DeviceData(nameof(Runs))]
    public void SgdFollowsTheFloat64ReferenceStepForStep(string device, int seed, string loss, int epochs)
    {
        var config = Small with { Seed = seed, Loss = loss == "exp" ? LossKind.Exp : LossKind.Logistic, Epochs = epochs, LogEvery = epochs };
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta0 = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        var checkpoints = new HashSet<long>(new long[] { 1, 5, 50, 150, 300 }.Where(s => s <= 5 * epochs));
        var engine = new Dictionary<long, float[]>();
        using var net = new NetworkBatch(devices.Get(device), plan.Shape, plan.Networks, theta0, plan.Centers(train));
        Trainer.Train(net, train, test, new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.Epochs,
            config.BatchSize, config.LogEvery), onStep: (_, step, _) =>
            {
                if (checkpoints.Contains(step))
                    engine[step] = net.ThetaToHost();
            }, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(checkpoints.Order(), engine.Keys.Order());

        var seeds = Trainer.SetSeeds(plan.Networks, plan.DataSets);
        var one = plan.Shape with { Networks = 1 };
        foreach (var n in plan.Networks)
        {
            var reference = SgdTrainerReference.Run(one, Slice(plan, theta0, n.Index), n.P, new double[config.InputDim],
                train[n.DataSet], epoch => Trainer.EpochOrder(seeds, epoch, config.NTrain)[(n.DataSet * config.NTrain)..((n.DataSet + 1) * config.NTrain)],
                config.Epochs, config.BatchSize, config.Lr, config.Loss, checkpoints);
            foreach (var step in checkpoints)
            {
                var actual = Slice(plan, engine[step], n.Index);
                var expected = reference[step];
                int w = one.VOffset, v = one.BiasOffset;
                string at = $"network {n.Index} (p {n.P}, seed {n.Seed}, {loss}, {device}) after step {step}";
                AssertRelative(expected[..w], actual[..w], 2e-5, $"W of {at}");
                AssertRelative(expected[w..v], actual[w..v], 2e-5, $"V of {at}");
            }
        }
    }

    /// <summary>The training moved θ far beyond the tolerance (else the comparison above proves nothing).</summary>
    [Fact]
    public void TheComparedTrajectoryMovesFarFromItsStart()
    {
        var config = Small with { Seed = 3 };
        var plan = new TrainPlan(config);
        var (train, _) = plan.GenerateData();
        var theta0 = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        var one = plan.Shape with { Networks = 1 };
        var seeds = Trainer.SetSeeds(plan.Networks, plan.DataSets);
        foreach (var n in plan.Networks)
        {
            var start = Slice(plan, theta0, n.Index);
            var end = SgdTrainerReference.Run(one, start, n.P, new double[config.InputDim], train[n.DataSet],
                epoch => Trainer.EpochOrder(seeds, epoch, config.NTrain)[(n.DataSet * config.NTrain)..((n.DataSet + 1) * config.NTrain)],
                config.Epochs, config.BatchSize, config.Lr, config.Loss, new HashSet<long> { 300 })[300];
            double moved = start.Zip(end, (a, b) => Math.Abs(a - b)).Max() / end.Select(Math.Abs).Max();
            Assert.True(moved > 0.1, $"network {n.Index} (p {n.P}): θ moved only {moved:g3} relative");
        }
    }

    /// <summary>max |expected − actual| / max |expected| ≤ tol: the parity metric of bench/reference/parity.py (not
    /// Close.Assert's elementwise rtol: entries near 0 carry the rounding of the large ones).</summary>
    private static void AssertRelative(double[] expected, double[] actual, double tol, string what)
    {
        double scale = expected.Select(Math.Abs).Max(), diff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(diff <= tol * scale, $"{what}: max |Δ| {diff:g3} is {diff / scale:g3} of max |θ| {scale:g3} (tolerance {tol:g2})");
    }

    /// <summary>Network b's [W | V | b] out of a packed batch θ, as float64.</summary>
    private static double[] Slice(TrainPlan plan, float[] theta, int b)
    {
        var s = plan.Shape;
        int D = s.Inputs, H = s.Hidden, C = s.Outputs;
        return [.. theta.AsSpan(b * D * H, D * H).ToArray().Select(x => (double)x),
            .. theta.AsSpan(s.VOffset + b * H * C, H * C).ToArray().Select(x => (double)x),
            .. theta.AsSpan(s.BiasOffset + b * C, C).ToArray().Select(x => (double)x)];
    }
}
