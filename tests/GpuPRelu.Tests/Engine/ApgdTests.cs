using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class ApgdTests(DeviceFixture devices)
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

    private NetworkBatch Linear(string device, double[,] a, double[] bias) => LinearClassifier.Network(devices.Get(device), a, bias);

    [Theory]
    [DeviceData(nameof(Norms))]
    public void CeFollowsAHandComputedTwoDimensionalThreeClassCaseStepByStep(string device, int norm)
    {
        // f = A·x, x0 = (0.4, 0.1), label 0: f(x0) = (0.42, 0.22, −0.12), softmax (0.41641, 0.34093, 0.24266), so by hand
        // g0 = Aᵀ(softmax − e_0) = (−0.60264, 0.41834). The l∞ margin against class 1 is 0.2/1.5 = 0.133 and the l2 margin
        // 0.2/√1.13 = 0.188: the small radius stays robust for all 100 iterations (every checkpoint runs), the large one breaks.
        double[,] a = { { 1.0, 0.2 }, { 0.3, 1.0 }, { -0.5, 0.8 } };
        double[] bias = [0, 0, 0], x0 = [0.4, 0.1], g0 = [-0.6026427474193947, 0.4183395114452403];
        double[] radii = norm == 0 ? [0.1, 0.2] : [0.15, 0.25];
        using var net = Linear(device, a, bias);
        var traces = new List<float[]>();
        var options = new ApgdOptions((AttackNorm)norm, ApgdLoss.CrossEntropy, RandomStart: false);
        var robust = Apgd.Run(net, [new DataSet([0.4f, 0.1f], [0], 1, 2, 3)], radii, options, 1 << 16, (_, _, u) => traces.Add(u));
        Assert.True(robust[0][0][0]);
        Assert.False(robust[0][1][0]);

        // iteration 0 by hand: momentum 1 and a step of 2ε, projected back onto the ball, so x1 = x0 + ε·sign(g0) (l∞) or
        // x0 + ε·g0/‖g0‖ (l2) at both radii
        double gNorm = Math.Sqrt(g0[0] * g0[0] + g0[1] * g0[1]);
        for (int r = 0; r < 2; r++)
        {
            double[] x1 = norm == 0
                ? [x0[0] - radii[r], x0[1] + radii[r]]
                : [x0[0] + radii[r] * g0[0] / gNorm, x0[1] + radii[r] * g0[1] / gNorm];
            Close.Assert(x1, traces[1].AsSpan(2 * r, 2), atol: 1e-6, what: $"x1 at radius {radii[r]}");
        }
        // the large radius: x1 is already misclassified (l∞: f(0.3, 0.2) → f(0.2, 0.3) = (0.26, 0.36, 0.14))

        // every later iterate of the robust radius against the float64 spec (momentum, both halving conditions, restarts from the best)
        var (iterates, refRobust) = ApgdRunReference.Run(a, bias, x0, 0, radii[0], norm, 100, x0);
        Assert.True(refRobust);
        Assert.Equal(100, iterates.Count);
        for (int i = 0; i < 100; i++)
            Close.Assert(iterates[i], traces[i + 1].AsSpan(0, 2), atol: 2e-5, what: $"iterate {i} (norm {norm})");
    }

    public static TheoryData<string, int, int> MultiClass
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (int norm in new[] { 0, 2 })
                {
                    data.Add((string)device.Data, norm, (int)ApgdLoss.CrossEntropy);
                    data.Add((string)device.Data, norm, (int)ApgdLoss.Dlr);
                }
            }
            return data;
        }
    }

    private static (double[,] A, float[] X, int[] Y, double[] Margin) LinearCase(System.Random rng, int norm, int D, int C, int n) =>
        LinearClassifier.Case(rng, norm, D, C, n);

    public static TheoryData<string, int, int, int> MultiClassAndSeeds => Seeds.Cross(MultiClass);

    [Theory]
    [DeviceData(nameof(MultiClassAndSeeds))]
    public void BracketsTheExactMarginOfALinearMultiClassClassifier(string device, int norm, int loss, int seed)
    {
        const int D = 6, C = 4, n = 8;
        var (a, x, y, margin) = LinearCase(new System.Random(seed), norm, D, C, n);
        using var net = Linear(device, a, new double[C]);
        // every point at every radius of the list, in one batch; point i is checked at 0.97 and 2 times its own margin
        double[] radii = [.. margin.Select(m => 0.97 * m).Concat(margin.Select(m => 2 * m)).Order()];
        // ILGPU's CPU accelerator pays ~1 ms per launch and the rows inside the margin run every restart to the end: 2
        // restarts there (the restart path: a second random start, the best of both kept), 10 elsewhere and under LongRuns
        int restarts = Seeds.Emulated(device) ? 2 : 10;
        var options = new ApgdOptions((AttackNorm)norm, (ApgdLoss)loss, Iterations: 100, Restarts: restarts, Seed: seed);
        var robust = Apgd.Run(net, [new DataSet(x, y, n, D, C)], radii, options)[0];
        for (int i = 0; i < n; i++)
        {
            // inside the margin no attack can succeed; at twice the margin a random start and 100 iterations always do
            // (APGD maximizes the loss, not the margin, so at 1.03× it can miss: the verdict test below pins that down)
            Assert.True(robust[Array.IndexOf(radii, 0.97 * margin[i])][i], $"point {i} broken below its margin {margin[i]} (seed {seed})");
            Assert.False(robust[Array.IndexOf(radii, 2 * margin[i])][i], $"point {i} robust at twice its margin {margin[i]} (seed {seed})");
        }
    }

    public static TheoryData<string, int, int> NormsAndSeeds => Seeds.Cross(Norms);

    [Theory]
    [DeviceData(nameof(NormsAndSeeds))]
    public void CeVerdictsMatchTheFloat64Specification(string device, int norm, int seed)
    {
        const int D = 5, C = 3, n = 6;
        var (a, x, y, margin) = LinearCase(new System.Random(seed), norm, D, C, n);
        using var net = Linear(device, a, new double[C]);
        double[] radii = [.. margin.Select(m => 1.03 * m).Concat(margin.Select(m => 1.3 * m)).Order()];
        var robust = Apgd.Run(net, [new DataSet(x, y, n, D, C)], radii, new ApgdOptions((AttackNorm)norm, ApgdLoss.CrossEntropy, RandomStart: false))[0];
        int disagree = 0;
        for (int i = 0; i < n; i++)
        {
            var x0 = NetworkCase.Wide(x[(i * D)..((i + 1) * D)]);
            bool broken = false; // the engine's verdicts are monotone in the radius: so are the reference's, accumulated
            for (int r = 0; r < radii.Length; r++)
            {
                broken |= !ApgdRunReference.Run(a, new double[C], x0, y[i], radii[r], norm, 100, x0).Robust;
                disagree += robust[r][i] == broken ? 1 : 0;
            }
        }
        // float32 and float64 trajectories agree to ~1e-5 (see the step-by-step test); a final iterate that close to the
        // boundary can flip one verdict
        Assert.True(disagree <= 1, $"{disagree} of {n * radii.Length} verdicts differ from the float64 APGD (seed {seed})");
    }

    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void L1BracketsTheExactMarginOfALinearClassifierInTheUnitBox(string device, int seed)
    {
        var rng = new System.Random(seed);
        const int D = 12, C = 3, n = 8;
        var a = new double[C, D];
        for (int c = 0; c < C; c++)
        {
            for (int d = 0; d < D; d++)
                a[c, d] = rng.NextDouble() * 2 - 1;
        }
        var x = new float[n * D];
        var y = new int[n];
        var margin = new double[n];
        for (int i = 0; i < n; i++)
        {
            do
            {
                for (int d = 0; d < D; d++)
                    x[i * D + d] = (float)rng.NextDouble();
                var f = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * x[i * D + d])).ToArray();
                y[i] = Array.IndexOf(f, f.Max());
                // exact l1 margin in [0, 1]^D: per rival class a fractional knapsack, the largest |a_y − a_c| coordinates first,
                // each moved as far as the box lets it
                margin[i] = Enumerable.Range(0, C).Where(c => c != y[i]).Min(c =>
                {
                    double gap = f[y[i]] - f[c], cost = 0;
                    foreach (int d in Enumerable.Range(0, D).OrderByDescending(d => Math.Abs(a[y[i], d] - a[c, d])))
                    {
                        double w = a[y[i], d] - a[c, d], room = w > 0 ? x[i * D + d] : 1 - x[i * D + d];
                        double used = Math.Min(room, gap / Math.Abs(w));
                        (cost, gap) = (cost + used, gap - used * Math.Abs(w));
                        if (gap <= 1e-12)
                            return cost;
                    }
                    return double.PositiveInfinity;
                });
            }
            while (!(margin[i] is > 0.05 and < 2));
        }
        using var net = Linear(device, a, new double[C]);
        double[] radii = [.. margin.Select(m => 0.97 * m).Concat(margin.Select(m => 2 * m)).Order()];
        var options = new ApgdOptions(AttackNorm.L1, ApgdLoss.CrossEntropy, Iterations: 100, Restarts: 3, BoxLo: 0, BoxHi: 1, Seed: seed);
        var robust = Apgd.Run(net, [new DataSet(x, y, n, D, C)], radii, options)[0];
        for (int i = 0; i < n; i++)
        {
            Assert.True(robust[Array.IndexOf(radii, 0.97 * margin[i])][i], $"point {i} broken below its l1 margin {margin[i]} (seed {seed})");
            Assert.False(robust[Array.IndexOf(radii, 2 * margin[i])][i], $"point {i} robust at twice its l1 margin {margin[i]} (seed {seed})");
        }
    }

    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void NeverBreaksAPointInsideTheExactRadiusOfTheIdealClassifiers(string device, int seed)
    {
        const int n = 24;
        double[] radii = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05];
        var options = new ApgdOptions(AttackNorm.L2, ApgdLoss.CrossEntropy, Iterations: 50, Restarts: 3, Seed: seed);
        foreach (var (kind, above, _) in IdealRadii.Check(devices.Get(device), 12, n, radii, seed, (net, data) => Apgd.Run(net, [data], radii, options)[0]))
        {
            // random starts reach the other class's inactive ReLU, so the attack is (nearly) tight: robust well above the
            // exact radius must be rare (zero-start PGD misses many of these, see PgdTests)
            Assert.True(above <= n * radii.Length / 20, $"{kind}: {above} (point, radius) pairs robust 0.05 above their exact radius (seed {seed})");
        }
    }

    public static TheoryData<string, int, int> CompactionCases
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, (int)AttackNorm.Linf, (int)ApgdLoss.CrossEntropy);
                data.Add((string)device.Data, (int)AttackNorm.L2, (int)ApgdLoss.Dlr);
                data.Add((string)device.Data, (int)AttackNorm.L1, (int)ApgdLoss.CrossEntropy);
            }
            return data;
        }
    }

    /// <summary>Dropping rows broken in every network (with their iterates, best points, gradients and step sizes) gives
    /// the very verdicts of the attack that keeps every row, over restarts and checkpoints.</summary>
    public static TheoryData<string, int, int, int> CompactionCasesAndSeeds => Seeds.Cross(CompactionCases);

    [Theory]
    [DeviceData(nameof(CompactionCasesAndSeeds))]
    public void CompactionKeepsEveryVerdict(string device, int norm, int loss, int seed)
    {
        var rng = new System.Random(seed);
        const int D = 8, H = 12, C = 4, n = 20;
        // random 4-class networks p = 1, 2, 3 and random labels in the unit box: most points are broken clean or at small
        // radii, so rows are dropped at the first checks and later ones
        var shape = new BatchShape(3, 0, D, H, C, 1, 0);
        var infos = Enumerable.Range(0, 3).Select(b => new NetworkInfo(b, 1 + b, 0.1, seed, b)).ToList();
        var theta = NetworkBatch.Initialize(shape, infos, InitKind.Kaiming, 1);
        var sets = Enumerable.Range(0, 3).Select(_ => new DataSet([.. Enumerable.Range(0, n * D).Select(_ => (float)rng.NextDouble())],
            [.. Enumerable.Range(0, n).Select(_ => rng.Next(C))], n, D, C)).ToList();
        using var net = new NetworkBatch(devices.Get(device), shape, infos, theta, new float[3 * D]);
        double[] radii = (AttackNorm)norm == AttackNorm.L1 ? [0, 0.03, 0.1, 0.3, 0.6, 1, 2] : [0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4];
        var options = new ApgdOptions((AttackNorm)norm, (ApgdLoss)loss, Iterations: 20, Restarts: 2, BoxLo: 0, BoxHi: 1, Seed: seed);
        var compact = Apgd.Run(net, sets, radii, options);
        var full = Apgd.Run(net, sets, radii, options, compact: false);
        for (int b = 0; b < 3; b++)
        {
            for (int r = 0; r < radii.Length; r++)
                Assert.True(full[b][r].SequenceEqual(compact[b][r]), $"network {b} radius {radii[r]}: verdicts differ (seed {seed})");
        }
        // the compaction had rows to drop (broken in every network) and rows to keep (robust somewhere) at the third radius
        Assert.Contains(Enumerable.Range(0, n), i => full.All(x => !x[2][i]));
        Assert.Contains(full, x => x[2].Any(robust => robust));
    }

    [Fact]
    public void RefusesDlrWithFewerThanThreeClasses()
    {
        var options = new ApgdOptions(AttackNorm.Linf, ApgdLoss.Dlr);
        Assert.Contains(options.Validate(2), e => e.Contains("apgd-dlr needs ≥ 3 classes", StringComparison.Ordinal));
        Assert.Empty(options.Validate(3));
        Assert.Contains(new ApgdOptions(AttackNorm.L1, ApgdLoss.CrossEntropy).Validate(10), e => e.Contains("l1 APGD needs a box", StringComparison.Ordinal));
        Assert.Empty(new ApgdOptions(AttackNorm.L1, ApgdLoss.CrossEntropy, BoxLo: 0, BoxHi: 1).Validate(10));
        Assert.Contains(new ApgdOptions(AttackNorm.L2, ApgdLoss.CrossEntropy, Iterations: 0).Validate(10), e => e.Contains("steps", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckpointScheduleMatchesAutoAttack()
    {
        // l1: every ⌊0.04·100⌋ = 4 iterations
        Assert.Equal([.. Enumerable.Range(1, 25).Select(j => 4 * j - 1)],
            new ApgdOptions(AttackNorm.L1, ApgdLoss.CrossEntropy, BoxLo: 0, BoxHi: 1).Checkpoints().Select(c => c.Iteration));
        // docs/attacks.md §2.1: windows 22, 19, 16, 13, 10, 7, 6, 6, … give checks after iterations 21, 40, 56, 69, 79, 86, 92, 98
        var schedule = new ApgdOptions(AttackNorm.Linf, ApgdLoss.CrossEntropy).Checkpoints().ToList();
        Assert.Equal([21, 40, 56, 69, 79, 86, 92, 98], schedule.Select(c => c.Iteration));
        Assert.Equal([22, 19, 16, 13, 10, 7, 6, 6], schedule.Select(c => c.Window));
    }
}
