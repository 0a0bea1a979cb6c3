using GpuPRelu.Analysis;
using GpuPRelu.Data;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class NeuronDynamicsTests(DeviceFixture devices)
{
    private static readonly TrainConfig Small = new()
    {
        InputDim = 50, Subclasses = 6, PositiveSubclasses = 3, Alpha = [0.05], P = [1, 3], Seeds = 1,
        Width = 100, InitScale = 1e-3, Lr = 0.2, Epochs = 30, BatchSize = 50, NTrain = 1000, NTest = 100, LogEvery = 30,
    };

    /// <summary>Snapshots at step 0 and the last step hold the geometry of the initial and the final θ (recomputed in
    /// float64 here), with the step's epoch and flow time; in between, the finally dominant neurons of the p = 3 network
    /// turn from random directions (cos well below 0.95) onto subclass centers while their norms grow.</summary>
    [Fact]
    public void SnapshotsFollowTrainingFromInitToAlignment()
    {
        var config = Small with { Seed = System.Random.Shared.Next(1000) };
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta0 = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        using var net = new NetworkBatch(devices.Get("cpu"), plan.Shape, plan.Networks, theta0, plan.Centers(train));
        var centers = plan.Networks.Select(n => new CenterDirections(
            SubclassData.Centers(config.InputDim, config.Subclasses, false, n.Seed), config.InputDim, config.Subclasses,
            config.PositiveSubclasses)).ToList();
        long stepsPerEpoch = config.NTrain / config.BatchSize, last = stepsPerEpoch * config.Epochs;
        var schedule = NeuronDynamics.LogSpacedSteps(last, 12);
        var dynamics = new NeuronDynamics(net, centers, schedule, networks: [1]);

        Trainer.Train(net, train, test, new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.Epochs,
            config.BatchSize, config.LogEvery), onStep: dynamics.OnStep, cancel: TestContext.Current.CancellationToken);

        int H = config.Width;
        Assert.Equal(schedule.Count * H, dynamics.Rows.Count);
        Assert.All(dynamics.Rows, r => Assert.Equal(1, r.Network));
        foreach (var r in dynamics.Rows.Where(r => r.Neuron == 0))
        {
            Assert.Equal(r.Step == 0 ? 0 : (int)((r.Step - 1) / stepsPerEpoch) + 1, r.Epoch);
            Close.Assert(r.Step * config.Lr, r.FlowTime, 1e-12, 1e-12, "flow time");
        }
        var start = dynamics.Rows.Where(r => r.Step == 0).ToList();
        var end = dynamics.Rows.Where(r => r.Step == last).ToList();
        Close.Assert(Norms(theta0, plan, 1), [.. start.Select(r => r.Norm)], 1e-12, 1e-9, "initial norms");
        Close.Assert(Norms(net.ThetaToHost(), plan, 1), [.. end.Select(r => r.Norm)], 1e-12, 1e-9, "final norms");

        double maxContribution = end.Max(r => r.Contribution);
        var grown = end.Where(r => r.Contribution >= 0.1 * maxContribution).Select(r => r.Neuron).ToHashSet();
        Assert.All(end.Where(r => grown.Contains(r.Neuron)), r => Assert.True(r.MaxSubclassCos >= 0.95, $"final {r}"));
        Assert.True(start.Where(r => grown.Contains(r.Neuron)).Average(r => r.MaxSubclassCos) < 0.6, "initial directions are random");
        Assert.All(start.Where(r => grown.Contains(r.Neuron)), r =>
            Assert.True(end.Single(e => e.Neuron == r.Neuron).Norm > 10 * r.Norm, $"neuron {r.Neuron} grew"));
    }

    [Fact]
    public void LogSpacedStepsCoverStartAndEnd()
    {
        long last = System.Random.Shared.Next(50, 100_000);
        var steps = NeuronDynamics.LogSpacedSteps(last, 20);
        Assert.Equal(0, steps[0]);
        Assert.Equal(last, steps[^1]);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second), string.Join(",", steps));
        Assert.Equal([0L, 5, 10], NeuronDynamics.StepsAt([0, 1, 2, 2.01], 0.2));
    }

    [Fact]
    public void RefusesNetworksOutsideTheBatch()
    {
        var config = Small with { Width = 4, NTrain = 10, NTest = 10 };
        var plan = new TrainPlan(config);
        using var net = new NetworkBatch(devices.Get("cpu"), plan.Shape, plan.Networks,
            NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale), new float[2 * 50]);
        var c = new CenterDirections(SubclassData.Centers(50, 6, false, 0), 50, 6, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NeuronDynamics(net, [c, c], [0L], networks: [2]));
        Assert.Throws<ArgumentException>(() => new NeuronDynamics(net, [c], [0L]));
    }

    private static double[] Norms(float[] theta, TrainPlan plan, int b)
    {
        int D = plan.Shape.Inputs, H = plan.Shape.Hidden;
        var norm = new double[H];
        for (int j = 0; j < H; j++)
        {
            for (int d = 0; d < D; d++)
                norm[j] += (double)theta[(b * D + d) * H + j] * theta[(b * D + d) * H + j];
            norm[j] = Math.Sqrt(norm[j]);
        }
        return norm;
    }
}
