using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The Square attack (docs/attacks.md §9.4) on linear classifiers of known margins and on the ideal
/// classifiers of known exact radii.</summary>
[Collection(DeviceGroup.Name)]
public sealed class SquareTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    // ILGPU's CPU accelerator pays ~1 ms per launch, 5 launches per query: one seed there
                    foreach (int seed in Seeds.Of(device.Data, 2, 19))
                        data.Add((string)device.Data, norm, seed);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void BreaksALinearClassifierBeyondItsMarginAndNeverInside(string device, int norm, int seed)
    {
        // 5 × 5 images, 3 classes: a point breaks only beyond its exact margin; 1000 queries break it at 1.25× (l∞: the
        // single-pixel flips of the late squares reach the optimal corner; ≤ 1.1× in a probe of 24 points) or 3× (l2; ≤ 2×)
        const int D = 25, C = 3, n = 6;
        var (a, x, y, margin) = LinearClassifier.Case(new System.Random(seed), norm, D, C, n);
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[C]);
        double beyond = norm == 0 ? 1.25 : 3;
        double[] radii = [.. margin.Select(m => 0.97 * m).Concat(margin.Select(m => beyond * m)).Order()];
        var options = new SquareOptions((AttackNorm)norm, Queries: 1000, Seed: seed);
        var outcome = Square.RunOn(net, [new DataSet(x, y, n, D, C)], radii, options, null, examples: true);
        for (int i = 0; i < n; i++)
        {
            Assert.True(outcome.Robust[0][Array.IndexOf(radii, 0.97 * margin[i])][i], $"point {i} broken below its margin {margin[i]} (seed {seed})");
            Assert.False(outcome.Robust[0][Array.IndexOf(radii, beyond * margin[i])][i], $"point {i} robust at {beyond}× its margin {margin[i]} (seed {seed})");
            // its example: misclassified and inside the smallest radius it broke at
            var adv = outcome.Examples![0][i]!;
            var f = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * adv[d])).ToArray();
            Assert.NotEqual(y[i], Array.IndexOf(f, f.Max()));
            var delta = Enumerable.Range(0, D).Select(d => (double)adv[d] - x[i * D + d]).ToArray();
            double size = norm == 2 ? Math.Sqrt(delta.Sum(v => v * v)) : delta.Max(Math.Abs);
            Assert.True(size <= beyond * margin[i] * (1 + 1e-5), $"point {i}: example of norm {size} at radius {beyond * margin[i]}");
        }
        // dropping broken rows (no examples kept) gives the very same verdicts: the draws depend on the point, not the row.
        // Not on the emulators by default: the rows' compaction is ActiveRows', which PGD's and APGD's tests run there
        if (Seeds.Emulated(device))
            return;
        var compact = Square.RunOn(net, [new DataSet(x, y, n, D, C)], radii, options, null, examples: false);
        for (int r = 0; r < radii.Length; r++)
            Assert.Equal(outcome.Robust[0][r], compact.Robust[0][r]);
    }

    public static TheoryData<string, int> IdealSeeds
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int seed in Seeds.Of(device.Data, 4, 29))
                    data.Add((string)device.Data, seed);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(IdealSeeds))]
    public void NeverBreaksAPointInsideTheExactRadiusOfTheIdealClassifiers(string device, int seed)
    {
        double[] radii = [0.2, 0.4, 0.6, 0.8, 1.0, 1.5];
        var options = new SquareOptions(AttackNorm.L2, Queries: 300, Seed: seed);
        foreach (var (kind, _, broken) in IdealRadii.Check(devices.Get(device), 25, 16, radii, seed,
            (net, data) => Square.RunOn(net, [data], radii, options, null, false).Robust[0]))
        {
            // the test has teeth: the attack breaks some points at the larger radii
            Assert.True(broken > 0, $"{kind}: nothing broken (seed {seed})");
        }
    }

    private static readonly int[] Iterations = [0, 10, 11, 50, 51, 201, 501, 1001, 2001, 4001];

    [Fact]
    public void ScheduleSidesAndMetaPatternMatchAutoAttack()
    {
        // docs/attacks.md §9.4: MNIST 28 × 28 at p = 0.8·2^−k, k = 0…7
        Assert.Equal([25, 18, 13, 9, 6, 4, 3, 2], Enumerable.Range(0, 8).Select(k => SquarePattern.Side(AttackNorm.Linf, 0.8 / (1 << k), 28, 28)));
        Assert.Equal([25, 19, 13, 9, 7, 5, 3, 3], Enumerable.Range(0, 8).Select(k => SquarePattern.Side(AttackNorm.L2, 0.8 / (1 << k), 28, 28)));
        Assert.Equal([0.8, 0.8, 0.4, 0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625],
            Iterations.Select(i => SquarePattern.P(i, 0.8)));
        // η_5 before the coin (the spec's test vector, 3 decimals)
        double[] eta5 =
        [
            0.049, 0.160, 0.160, 0.160, 0.049,
            0.049, 0.160, 0.602, 0.160, 0.049,
            -0.046, -0.148, -0.148, -0.148, -0.046,
            -0.046, -0.148, -0.558, -0.148, -0.046,
            -0.046, -0.148, -0.148, -0.148, -0.046,
        ];
        Close.Assert(eta5, SquarePattern.Eta(5), atol: 6e-4, rtol: 0);
        Assert.Equal((28, 28), SquareOptions.Layout(784));
        Assert.Equal((10, 10), SquareOptions.Layout(100));
        Assert.Equal((25, 40), SquareOptions.Layout(1000));
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(1, 123)]
    [InlineData(0, 901)]
    public void AutoAttackDrawsShareOneWindowPerIterationAndNeverTheLastPosition(int norm, int seed)
    {
        // --square-draws autoattack: every point of a network gets the iteration's window corners and coin (and, l∞, its
        // sign), corners in [0, 28 − s − 1] as square.py's random_int(0, h − s); per point: corners differ between points
        // and reach the last position 28 − s
        const int m = 6, h = 28, side = 3, steps = 400;
        var o = new SquareOptions((AttackNorm)norm, Queries: steps, Seed: seed);
        long[] seeds = [seed];
        int[] rows = [.. Enumerable.Range(0, m)];
        long Key(int b, int point, int step, int slot) => ((long)point * (steps + 1) + step) * 8 + slot;
        int lastShared = 0, lastOwn = 0, differing = 0, signsDiffer = 0;
        for (int step = 1; step <= steps; step++)
        {
            var shared = Square.Draws(o with { SharedDraws = true }, seeds, 1, m, h, h, side, 0, rows, step, Key);
            var own = Square.Draws(o, seeds, 1, m, h, h, side, 0, rows, step, Key);
            for (int i = 1; i < m; i++)
            {
                for (int k = 0; k < 5; k++)
                    Assert.Equal(shared[k], shared[i * 6 + k]);
                if (norm == 0)
                    Assert.Equal(shared[5], shared[i * 6 + 5]);
                signsDiffer += shared[5] != shared[i * 6 + 5] ? 1 : 0;
                differing += own[0] != own[i * 6] ? 1 : 0;
            }
            for (int k = 0; k < 4; k++)
            {
                Assert.InRange(shared[k], 0, h - side - 1);
                Assert.InRange(own[k], 0, h - side);
            }
            lastShared += shared[0] == h - side - 1 ? 1 : 0;
            lastOwn += own.Where((v, j) => j % 6 == 0).Count(v => v == h - side);
        }
        Assert.True(lastShared > 0 && lastOwn > 0, $"corners at the last positions: shared {lastShared}, per point {lastOwn}");
        Assert.True(differing > steps, $"per-point corners differ between points only {differing} times");
        if (norm == 1)
            Assert.True(signsDiffer > steps, $"l2 signs are per point under AutoAttack's draws too; differed {signsDiffer} times");
    }

    [Fact]
    public void RefusesL1NoQueriesAndL2ImagesSmallerThanFive()
    {
        Assert.Contains(new SquareOptions(AttackNorm.L1).Validate(784), e => e.StartsWith("norm l1: square", StringComparison.Ordinal));
        Assert.Contains(new SquareOptions(AttackNorm.Linf, Queries: 0).Validate(784), e => e.StartsWith("queries must be ≥ 1", StringComparison.Ordinal));
        Assert.Contains(new SquareOptions(AttackNorm.L2).Validate(20), e => e.Contains("lays out as 4 × 5", StringComparison.Ordinal));
        Assert.Empty(new SquareOptions(AttackNorm.L2).Validate(25));
        Assert.Empty(new SquareOptions(AttackNorm.Linf).Validate(20));
    }
}
