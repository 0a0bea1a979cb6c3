using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>APGD-T (docs/attacks.md §9.2) and the parts of APGD an ensemble uses: attacking only the points still
/// robust, and keeping the adversarial examples.</summary>
[Collection(DeviceGroup.Name)]
public sealed class ApgdTargetedTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Norms
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 0);
                data.Add((string)device.Data, 2);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Norms))]
    public void FollowsAHandComputedFourClassCaseStepByStep(string device, int norm)
    {
        // f = A·x, x0 = (0.4, 0.1), label 0: f(x0) = (0.42, 0.22, −0.12, 0.20), ranked 0, 1, 3, 2, so the first target is
        // class 1; q = 0.2, Δ = 0.42 − (0.20 − 0.12)/2 = 0.38, ∂L/∂f = (−1/Δ + q/Δ², 1/Δ, −q/2Δ², −q/2Δ²) and by hand
        // g0 = Aᵀ∂L/∂f = (−0.5263158, 2.1052632). Class 1 is also the nearest (l∞ margin 0.2/1.5, l2 0.2/√1.13): the small
        // radius stays robust for all 100 iterations, the large one breaks at the first step.
        double[,] a = { { 1.0, 0.2 }, { 0.3, 1.0 }, { -0.5, 0.8 }, { 0.6, -0.4 } };
        double[] x0 = [0.4, 0.1], g0 = [-0.5263157894757616, 2.1052631578891967];
        double[] radii = norm == 0 ? [0.1, 0.2] : [0.15, 0.25];
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[4]);
        var traces = new List<float[]>();
        var options = new ApgdOptions((AttackNorm)norm, ApgdLoss.TargetedDlr, RandomStart: false, Targets: 1);
        var robust = Apgd.Run(net, [new DataSet([0.4f, 0.1f], [0], 1, 2, 4)], radii, options, 1 << 16, (_, _, u) => traces.Add(u));
        Assert.True(robust[0][0][0]);
        Assert.False(robust[0][1][0]);

        double gNorm = Math.Sqrt(g0[0] * g0[0] + g0[1] * g0[1]);
        for (int r = 0; r < 2; r++)
        {
            double[] x1 = norm == 0
                ? [x0[0] - radii[r], x0[1] + radii[r]]
                : [x0[0] + radii[r] * g0[0] / gNorm, x0[1] + radii[r] * g0[1] / gNorm];
            Close.Assert(x1, traces[1].AsSpan(2 * r, 2), atol: 1e-6, what: $"x1 at radius {radii[r]}");
        }
        var (iterates, refRobust) = ApgdRunReference.Run(a, new double[4], x0, 0, radii[0], norm, 100, x0, target: 1);
        Assert.True(refRobust);
        Assert.Equal(100, iterates.Count);
        for (int i = 0; i < 100; i++)
            Close.Assert(iterates[i], traces[i + 1].AsSpan(0, 2), atol: 2e-5, what: $"iterate {i} (norm {norm})");
    }

    public static TheoryData<string, int, int> LinearSeeds
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    foreach (int seed in Seeds.Of(device.Data, 5, 23))
                        data.Add((string)device.Data, norm, seed);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(LinearSeeds))]
    public void BracketsTheExactMarginOfALinearMultiClassClassifier(string device, int norm, int seed)
    {
        const int D = 6, C = 5, n = 8;
        var (a, x, y, margin) = LinearClassifier.Case(new System.Random(seed), norm, D, C, n);
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[C]);
        double[] radii = [.. margin.Select(m => 0.97 * m).Concat(margin.Select(m => 2 * m)).Order()];
        // all C − 1 = 4 targets, one restart each: the nearest class is one of them
        var options = new ApgdOptions((AttackNorm)norm, ApgdLoss.TargetedDlr, Seed: seed);
        var robust = Apgd.Run(net, [new DataSet(x, y, n, D, C)], radii, options)[0];
        for (int i = 0; i < n; i++)
        {
            Assert.True(robust[Array.IndexOf(radii, 0.97 * margin[i])][i], $"point {i} broken below its margin {margin[i]} (seed {seed})");
            Assert.False(robust[Array.IndexOf(radii, 2 * margin[i])][i], $"point {i} robust at twice its margin {margin[i]} (seed {seed})");
        }
    }

    public static TheoryData<string, int> IdealSeeds
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int seed in Seeds.Of(device.Data, 3, 17))
                    data.Add((string)device.Data, seed);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(IdealSeeds))]
    public void OneOutputMarginLossNeverBreaksInsideTheExactRadiusOfTheIdealClassifiers(string device, int seed)
    {
        const int n = 24;
        double[] radii = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05];
        // one output: the margin loss −y·f towards the other class, the one target
        var options = new ApgdOptions(AttackNorm.L2, ApgdLoss.TargetedDlr, Iterations: 50, Restarts: 3, Seed: seed);
        foreach (var (kind, above, _) in IdealRadii.Check(devices.Get(device), 12, n, radii, seed, (net, data) => Apgd.Run(net, [data], radii, options)[0]))
        {
            // the margin loss has the same ascent directions as the logistic loss: (nearly) tight like APGD-CE
            Assert.True(above <= n * radii.Length / 20, $"{kind}: {above} (point, radius) pairs robust 0.05 above their exact radius (seed {seed})");
        }
    }

    [Theory]
    [DeviceData(nameof(LinearSeeds))]
    public void AttacksOnlyThePointsStillRobustAndKeepsTheirExamples(string device, int norm, int seed)
    {
        const int D = 6, C = 4, n = 10;
        var (a, x, y, margin) = LinearClassifier.Case(new System.Random(seed), norm, D, C, n);
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[C]);
        var set = new DataSet(x, y, n, D, C);
        double[] radii = [.. new[] { 0.5, 0.8, 1.0, 1.5, 3 }.Select(f => f * margin.Average())];
        var first = Apgd.RunOn(net, [set], radii, new ApgdOptions((AttackNorm)norm, ApgdLoss.CrossEntropy, Iterations: 30, Seed: seed), null, true);
        // the points APGD-CE broke: its example is misclassified and inside the smallest radius it broke the point at
        for (int i = 0; i < n; i++)
        {
            int r0 = Enumerable.Range(0, radii.Length).FirstOrDefault(r => !first.Robust[0][r][i], -1);
            Assert.Equal(r0 >= 0, first.Examples![0][i] is not null);
            if (r0 >= 0)
                AssertAdversarial(a, x, y, i, first.Examples[0][i]!, radii[r0], norm);
        }
        // APGD-T on the survivors: never robust where APGD-CE broke, examples only for the points it broke itself
        var before = first.Robust;
        var second = Apgd.RunOn(net, [set], radii, new ApgdOptions((AttackNorm)norm, ApgdLoss.TargetedDlr, Seed: seed), before, true);
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < radii.Length; r++)
                Assert.False(second.Robust[0][r][i] && !before[0][r][i], $"point {i} radius {r}: robust again after APGD-T (seed {seed})");
            int r0 = Enumerable.Range(0, radii.Length).FirstOrDefault(r => !second.Robust[0][r][i] && before[0][r][i], -1);
            Assert.Equal(r0 >= 0, second.Examples![0][i] is not null);
            if (r0 >= 0)
                AssertAdversarial(a, x, y, i, second.Examples[0][i]!, radii[r0], norm);
            // every radius of at least 1.5 mean margins is at least 1.5 of the point's own margin for most points: broken there
            Assert.False(second.Robust[0][radii.Length - 1][i] && 3 * margin.Average() > 2 * margin[i], $"point {i} robust at > 2× its margin (seed {seed})");
        }
    }

    // misclassified by the float64 classifier and within radius in the attack's norm
    private static void AssertAdversarial(double[,] a, float[] x, int[] y, int i, float[] adv, double radius, int norm)
    {
        int C = a.GetLength(0), D = a.GetLength(1);
        var f = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * adv[d])).ToArray();
        Assert.NotEqual(y[i], Array.IndexOf(f, f.Max()));
        var delta = Enumerable.Range(0, D).Select(d => (double)adv[d] - x[i * D + d]).ToArray();
        double size = norm == 2 ? Math.Sqrt(delta.Sum(v => v * v)) : delta.Max(Math.Abs);
        Assert.True(size <= radius * (1 + 1e-5) + 1e-6, $"point {i}: example of norm {size} at radius {radius}");
    }

    [Fact]
    public void RefusesTargetsThatAreNotBelowTheClasses()
    {
        var options = new ApgdOptions(AttackNorm.Linf, ApgdLoss.TargetedDlr, Targets: 10);
        Assert.Contains(options.Validate(10), e => e.Contains("targets must be < the number of classes (10;", StringComparison.Ordinal));
        Assert.Empty((options with { Targets = 9 }).Validate(10));
        Assert.Equal(9, (options with { Targets = null }).TargetCount(10));
        // one output counts as two classes: one target
        Assert.NotEmpty((options with { Targets = 2 }).Validate(2));
        Assert.Equal(1, (options with { Targets = null }).TargetCount(2));
        Assert.Contains(new ApgdOptions(AttackNorm.Linf, ApgdLoss.CrossEntropy, Targets: 3).Validate(10), e => e.Contains("apgd-t only", StringComparison.Ordinal));
    }
}
