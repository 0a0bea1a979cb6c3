using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class PgdTests(DeviceFixture devices)
{
    public static TheoryData<string, int> Norms
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 2);
                data.Add((string)device.Data, 0);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Norms))]
    public void FindsTheExactMarginOfALinearClassifier(string device, int norm)
    {
        int seed = System.Random.Shared.Next();
        var rng = new System.Random(seed);
        const int D = 8, n = 24;
        var w = NetworkCase.Normal(rng, D, 1.0);
        double w2 = Math.Sqrt(w.Sum(v => (double)v * v)), w1 = w.Sum(v => Math.Abs((double)v));
        // f(x) = ReLU(⟨w, x⟩) − ReLU(⟨−w, x⟩) = ⟨w, x⟩: two neurons ±w, output weights ±1, p = 1
        var shape = new BatchShape(1, 0, D, 2, 1, 0, 0);
        var theta = new float[shape.ParameterCount];
        for (int d = 0; d < D; d++)
            (theta[d * 2], theta[d * 2 + 1]) = (w[d], -w[d]);
        (theta[shape.VOffset], theta[shape.VOffset + 1]) = (1f, -1f);
        // every point at ⟨w, x⟩ = ±1, so its exact margin is 1/‖w‖₂ (l2) or 1/‖w‖₁ (l∞)
        var x = new float[n * D];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            var v = NetworkCase.Normal(rng, D, 1.0);
            double dot = Enumerable.Range(0, D).Sum(d => (double)v[d] * w[d]);
            y[i] = i % 2;
            for (int d = 0; d < D; d++)
                x[i * D + d] = (float)(v[d] + ((y[i] == 1 ? 1 : -1) - dot) * w[d] / (w2 * w2));
        }
        double margin = norm == 2 ? 1 / w2 : 1 / w1;
        using var net = new NetworkBatch(devices.Get(device), shape, [new NetworkInfo(0, 1, 0, 0, 0)], theta, new float[D]);
        var options = new PgdOptions((AttackNorm)norm, 60, margin / 10, LossKind.Exp);
        var robust = Pgd.Run(net, [new DataSet(x, y, n, D, 2)], [0.97 * margin, 1.03 * margin], options);
        Assert.All(robust[0][0], r => Assert.True(r, $"broken below the margin (seed {seed})"));
        Assert.All(robust[0][1], r => Assert.False(r, $"robust above the margin (seed {seed})"));
    }

    [Theory]
    [MemberData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void NeverBreaksAPointInsideTheCertifiedRadiusOfTheIdealClassifiers(string device)
    {
        int seed = System.Random.Shared.Next(1000);
        const int D = 12, K = 4, K1 = 2, n = 30;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.5, n, seed, test: true);
        double[] radii = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
        foreach (var (kind, p) in new[] { (IdealKind.F, 1.0), (IdealKind.Fp, 3.0), (IdealKind.Fp, 2.0) })
        {
            var (shape, theta) = IdealClassifier.Parameters(kind, D, K, K1, [mu]);
            using var net = new NetworkBatch(devices.Get(device), shape, [new NetworkInfo(0, p, 0.5, seed, 0)], theta, new float[D]);
            var robust = Pgd.Run(net, [data], radii, new PgdOptions(AttackNorm.L2, 100, 0.02, LossKind.Exp))[0];
            for (int i = 0; i < n; i++)
            {
                var x = data.X.AsSpan(i * D, D);
                var (lower, upper) = kind == IdealKind.F
                    ? (RobustRadius.F(x, mu, K, K1, data.Y[i]), RobustRadius.F(x, mu, K, K1, data.Y[i]))
                    : RobustRadius.Fp(x, mu, K, K1, p, data.Y[i]);
                // the attack along which the gradient never vanishes: the own class's active coordinates driven to 0
                double ownReach = OwnClassNorm(kind, x, mu, D, K, K1, data.Y[i]);
                // an adversarial example inside the certified radius would disprove the certificate (or the projection); float32
                // forward passes may flip a point within 1e-3 of its boundary. Robust above the exact radius does happen with
                // zero-start PGD (where the other class's ReLU is inactive its gradient is 0, so PGD cannot find the cheaper
                // attack through it; the exact radii exist for that reason), but never beyond the own-class path.
                for (int r = 0; r < radii.Length; r++)
                {
                    if (!robust[r][i])
                        Assert.True(radii[r] >= lower - 1e-3, $"{kind} p {p}: point {i} broken at {radii[r]} < certified {lower} (seed {seed})");
                    else
                        Assert.True(radii[r] <= Math.Max(upper, ownReach) + 0.03, $"{kind} p {p}: point {i} robust at {radii[r]}; radius {upper}, own-class path {ownReach} (seed {seed})");
                }
            }
        }
    }

    /// <summary>‖(s_own)⁺‖₂: the l2 length of the perturbation that zeroes the own class's active coordinates (s = ⟨μ̄₊, x⟩ for F).</summary>
    private static double OwnClassNorm(IdealKind kind, ReadOnlySpan<float> point, double[] mu, int D, int K, int K1, int label)
    {
        var x = point.ToArray();
        double Coordinate(Func<int, double> direction)
        {
            double sum = 0;
            for (int d = 0; d < D; d++)
                sum += direction(d) * x[d];
            return Math.Max(sum, 0);
        }
        if (kind == IdealKind.F)
            return Coordinate(d => IdealClassifier.Average(mu, D, K, K1, label == 1, d));
        var (from, to) = label == 1 ? (0, K1) : (K1, K);
        return Math.Sqrt(Enumerable.Range(from, to - from).Sum(k => Math.Pow(Coordinate(d => mu[k * D + d]), 2)));
    }

    [Fact]
    public void RandomRestartsFindAttacksTheZeroStartMisses()
    {
        // F's cheaper attack goes through the other class's ReLU, whose gradient is 0 where it is inactive: zero-start PGD
        // misses it; random starts in the ball activate it for some points, and each restart keeps what earlier ones broke
        const int D = 12, K = 4, K1 = 2, n = 60;
        var mu = SubclassData.Centers(D, K, random: false, 3);
        var data = SubclassData.Generate(mu, D, K, K1, 0.5, n, 3, test: true);
        var (shape, theta) = IdealClassifier.Parameters(IdealKind.F, D, K, K1, [mu]);
        using var net = new NetworkBatch(devices.Get("cpu"), shape, [new NetworkInfo(0, 1, 0.5, 3, 0)], theta, new float[D]);
        double[] radii = [0.6];
        var zero = Pgd.Run(net, [data], radii, new PgdOptions(AttackNorm.L2, 60, 0.03, LossKind.Exp))[0][0];
        var restarted = Pgd.Run(net, [data], radii, new PgdOptions(AttackNorm.L2, 60, 0.03, LossKind.Exp, Restarts: 8, Seed: 5))[0][0];
        int exactlyRobust = Enumerable.Range(0, n).Count(i => RobustRadius.F(data.X.AsSpan(i * D, D), mu, K, K1, data.Y[i]) > 0.6);
        Assert.All(Enumerable.Range(0, n), i => Assert.True(zero[i] || !restarted[i], $"point {i}: broken from zero, robust with restarts"));
        Assert.True(restarted.Count(r => r) < zero.Count(r => r),
            $"restarts left {restarted.Count(r => r)} robust, zero start {zero.Count(r => r)} (exact: {exactlyRobust})");
        Assert.True(restarted.Count(r => r) >= exactlyRobust);
    }
}
