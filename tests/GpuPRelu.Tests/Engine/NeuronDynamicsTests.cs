using GpuPRelu.Analysis;
using GpuPRelu.Experiments;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class NeuronDynamicsTests(DeviceFixture devices)
{
    /// <summary>Snapshots at step 0 and the last step hold the geometry of the initial and the final θ (recomputed in
    /// float64 here), with the step's epoch and flow time; in between, the finally dominant neurons of the p = 3 network
    /// turn from random directions (cos well below 0.95) onto subclass centers while their norms grow.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void SnapshotsFollowTrainingFromInitToAlignment(int seed)
    {
        var config = SyntheticRun.Small with { Seeds = 1, NTest = 100, Seed = seed };
        using var run = new SyntheticRun(devices.Get("cpu"), config);
        long stepsPerEpoch = config.NTrain / config.BatchSize, last = stepsPerEpoch * config.Epochs;
        var schedule = NeuronDynamics.LogSpacedSteps(last, 12);
        var dynamics = new NeuronDynamics(run.Net, run.Centers, schedule, networks: [1]);

        run.Train(dynamics.OnStep);

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
        Close.Assert(Norms(run.Theta0, run.Plan, 1), [.. start.Select(r => r.Norm)], 1e-12, 1e-9, "initial norms");
        Close.Assert(Norms(run.Net.ThetaToHost(), run.Plan, 1), [.. end.Select(r => r.Norm)], 1e-12, 1e-9, "final norms");

        double maxContribution = end.Max(r => r.Contribution);
        var grown = end.Where(r => r.Contribution >= 0.1 * maxContribution).Select(r => r.Neuron).ToHashSet();
        Assert.All(end.Where(r => grown.Contains(r.Neuron)), r => Assert.True(r.MaxSubclassCos >= 0.95, $"final {r}"));
        Assert.True(start.Where(r => grown.Contains(r.Neuron)).Average(r => r.MaxSubclassCos) < 0.6, "initial directions are random");
        Assert.All(start.Where(r => grown.Contains(r.Neuron)), r =>
            Assert.True(end.Single(e => e.Neuron == r.Neuron).Norm > 10 * r.Norm, $"neuron {r.Neuron} grew"));
    }

    [Theory]
    [InlineData(50L)]
    [InlineData(977L)]
    [InlineData(99_999L)]
    public void LogSpacedStepsCoverStartAndEnd(long last)
    {
        var steps = NeuronDynamics.LogSpacedSteps(last, 20);
        Assert.Equal(0, steps[0]);
        Assert.Equal(last, steps[^1]);
        Assert.True(steps.Zip(steps.Skip(1)).All(p => p.First < p.Second), string.Join(",", steps));
        Assert.Equal([0L, 5, 10], NeuronDynamics.StepsAt([0, 1, 2, 2.01], 0.2));
    }

    [Fact]
    public void RefusesNetworksOutsideTheBatch()
    {
        using var run = new SyntheticRun(devices.Get("cpu"), SyntheticRun.Small with { Seeds = 1, Width = 4, NTrain = 10, NTest = 10 });
        var c = run.Centers[0];
        Assert.Throws<ArgumentOutOfRangeException>(() => new NeuronDynamics(run.Net, [c, c], [0L], networks: [2]));
        Assert.Throws<ArgumentException>(() => new NeuronDynamics(run.Net, [c], [0L]));
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
