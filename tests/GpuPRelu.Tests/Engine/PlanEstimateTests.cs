using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Sweeps;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>`sweep --plan`'s calibrated estimate: the line through two shortened runs, the ideal classifiers the
/// calibration attacks in place of trained networks (they must compute F and F^(p) exactly), and a calibration on the
/// CPU that covers every phase of every batch and leaves nothing behind. How close the estimate comes is measured in
/// the benchmarks, not asserted here.</summary>
[Collection(DeviceGroup.Name)]
public sealed class PlanEstimateTests(DeviceFixture devices)
{
    [Theory]
    [InlineData(10, 1.5, 20, 2.5, 0.5, 0.1)]     // 0.5 s fixed, 0.1 s a unit
    [InlineData(2, 0.04, 4, 0.08, 0.0, 0.02)]    // no fixed part
    [InlineData(10, 2.0, 20, 1.8, 2.0, 0.0)]     // the second run faster (noise): all fixed, at the first run's level
    [InlineData(5, 1.0, 5, 3.0, 2.0, 0.0)]       // no units varied (a phase of a fixed cost): the mean
    public void TheLineThroughTwoRunsSplitsFixedFromPerUnit(double u1, double t1, double u2, double t2, double fixedPart, double perUnit)
    {
        var (f, p) = PlanEstimate.Line(u1, t1, u2, t2);
        Assert.Equal(perUnit, p, 12);
        Assert.Equal(fixedPart, f, 12);
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 3)]   // width 16 over K 10: six neurons copied twice
    [InlineData(10, 2)]   // width = K: F^(p) once
    [InlineData(40, 4)]
    public void TheEmbeddedIdealClassifiersComputeFAndFp(int width, double pHigh)
    {
        const int D = 7, K = 10, K1 = 6;
        var rng = new System.Random(width * 31 + (int)pHigh);
        var mu = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, K * D).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToList();
        var networks = new List<NetworkInfo> { new(0, 1, 0.1, 0, 0), new(1, pHigh, 0.1, 0, 1), new(2, pHigh, 0.1, 1, 0) };
        var shape = new BatchShape(networks.Count, 0, D, width, 1, 0, 0);
        var theta = PlanEstimate.Embed(shape, networks, mu, K, K1);
        for (int trial = 0; trial < 20; trial++)
        {
            var x = Enumerable.Range(0, D).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            foreach (var n in networks)
            {
                var kind = n.P == 1 ? IdealKind.F : IdealKind.Fp;
                var (ideal, values) = IdealClassifier.Parameters(kind, D, K, K1, [mu[n.DataSet]]);
                double expected = Output(values, ideal, 0, x, n.P), actual = Output(theta, shape, n.Index, x, n.P);
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"network {n.Index} (p {n.P}): {actual} vs {kind} {expected}");
            }
        }
        // every neuron carries a copy of an ideal neuron (a trained network's are all aligned and active)
        for (int b = 0; b < networks.Count; b++)
        {
            for (int j = 0; j < width; j++)
                Assert.NotEqual(0f, theta[shape.VOffset + b * width + j]);
        }
    }

    // Σ_j v_j ReLU(w_j·x)^p of network b in the packed layout, in float64
    private static double Output(float[] theta, BatchShape s, int b, double[] x, double p)
    {
        double sum = 0;
        for (int j = 0; j < s.Hidden; j++)
        {
            double z = 0;
            for (int d = 0; d < s.Inputs; d++)
                z += theta[(b * s.Inputs + d) * s.Hidden + j] * x[d];
            sum += theta[s.VOffset + b * s.Hidden + j] * Math.Pow(Math.Max(z, 0), p);
        }
        return sum;
    }

    [Fact]
    public void ACalibrationOnTheCpuCoversEveryPhaseOfEveryBatchAndLeavesNothingBehind()
    {
        const string yaml = "subclasses: 4\npositive_subclasses: 2\nn_train: 40\nn_test: 20\npgd_points: 10\nepochs: 4\nbatch_size: 20\n"
            + "pgd_steps: 5\ndist_steps: 5\ndist_starts: 4\ndist_scale_samples: 50\nradii: \"0:1:3\"\n"
            + "input_dim: [6, 12]\nwidth: [4, 8]\np: [1, 3]\nseeds: 1\n";
        var plan = SweepPlan.Build(SweepFile.Read(yaml, "test"), new SweepOptions());
        Assert.Equal(4, plan.Batches.Count);
        var device = devices.Get("cpu");
        var lines = new List<string>();
        var estimate = PlanEstimate.Measure(plan, device, lines.Add, TestContext.Current.CancellationToken);
        Assert.Contains(lines, l => l.Contains("calibrating on", StringComparison.Ordinal));
        Assert.True(estimate.CalibrationSeconds > 0 && estimate.WarmUp >= 0);
        foreach (var b in plan.Batches)
        {
            var phases = estimate.Phases(b);
            Assert.Equal(["setup", "train", "alignment", "attack", "distance", "commit"], phases.Select(p => p.Phase));
            Assert.All(phases, p => Assert.True(double.IsFinite(p.Seconds) && p.Seconds >= 0, $"{b.Name} {p.Phase}: {p.Seconds}"));
            Assert.True(estimate.Seconds(b) > 0);
        }
        Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), $"gpuprelu-plan-{Environment.ProcessId}-*"));
        // the rendered plan names its basis
        var text = SweepPlanText.Render(plan, estimate, 1, ShardSpec.Whole);
        Assert.Contains("basis: calibrated on the device", text, StringComparison.Ordinal);
        Assert.Contains("estimated 0.", text, StringComparison.Ordinal);
    }
}
