using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Branch and bound for p = 1 is near exact: on small ReLU networks (D 2 with width 6, D 3 with width 8 and three outputs, l2) with every
/// unstable neuron allowed to split, the certified radius lies in [0.98, 1] × the smallest adversarial norm found by an
/// exhaustive search (a fine grid of directions, along each the first sign change of the margin, bisected).</summary>
[Collection(DeviceGroup.Name)]
public sealed class CertifierBranchingTests(DeviceFixture devices, ITestOutputHelper output)
{
    public static TheoryData<int, int, int, int> Cases => new() { { 61, 2, 6, 1 }, { 64, 3, 8, 3 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FullBranchingReachesTheExhaustiveRadius(int seed, int inputs, int hidden, int outputs)
    {
        const int n = 3;
        var cc = CertifyCase.Create(seed, outputs, inputs, hidden, n);
        const int b = 0; // the p = 1 network of the case
        Assert.Equal(1.0, cc.P[b]);
        using var one = new NetworkBatch(devices.Get("cpu"), cc.Shape,
            [.. cc.P.Select((p, k) => new NetworkInfo(k, p, 0, seed, k))], cc.Theta, new float[cc.Shape.Networks * inputs]);
        using var net = one.Subset([b]);
        var options = new CertifyOptions(AttackNorm.L2, Branches: 2 << hidden) { Iterations = 40 };
        var certified = Certifier.Run(net, [cc.Points[b]], options, cancel: TestContext.Current.CancellationToken)[0];
        var directions = Directions(inputs);
        for (int i = 0; i < n; i++)
        {
            var x0 = cc.Points[b].X.AsSpan(i * inputs, inputs).ToArray().Select(v => (double)v).ToArray();
            int y = cc.Points[b].Y[i];
            double exhaustive = directions.Min(u => FirstCrossing(cc, b, x0, y, u));
            double r = certified[i].Radius;
            output.WriteLine($"point {i}: certified {r:0.######} ({certified[i].Method}), exhaustive {exhaustive:0.######}");
            if (double.IsInfinity(exhaustive))
                continue; // no decision change within 6 in any direction: nothing to compare
            Assert.True(r <= exhaustive, $"point {i}: certified {r} above the adversarial norm {exhaustive} (seed {seed})");
            Assert.True(r >= 0.98 * exhaustive, $"point {i}: certified {r} < 0.98 × exhaustive {exhaustive} (seed {seed})");
        }
    }

    // unit directions: 3600 angles on the circle; 6000 Fibonacci points on the sphere (spacing ~0.05 rad: a flat boundary's
    // radius is overestimated by ≤ ~0.1 %)
    private static List<double[]> Directions(int inputs)
    {
        if (inputs == 2)
            return [.. Enumerable.Range(0, 3600).Select(k => new[] { Math.Cos(k * Math.PI / 1800), Math.Sin(k * Math.PI / 1800) })];
        const int count = 6000;
        double golden = Math.PI * (3 - Math.Sqrt(5));
        return [.. Enumerable.Range(0, count).Select(k =>
        {
            double z = 1 - 2 * (k + 0.5) / count, rho = Math.Sqrt(1 - z * z);
            return new[] { rho * Math.Cos(golden * k), rho * Math.Sin(golden * k), z };
        })];
    }

    // the first t along x0 + t·u where the margin is ≤ 0: a scan in steps of 0.02, then 40 bisections; ∞ when none by 6
    private static double FirstCrossing(CertifyCase cc, int b, double[] x0, int y, double[] u)
    {
        var x = new double[x0.Length];
        double At(double t)
        {
            for (int d = 0; d < x.Length; d++)
                x[d] = x0[d] + t * u[d];
            return cc.Margin(b, x, y);
        }
        const double step = 0.02;
        for (double t = step; t <= 6; t += step)
        {
            if (At(t) > 0)
                continue;
            double lo = t - step, hi = t;
            for (int k = 0; k < 40; k++)
            {
                double mid = 0.5 * (lo + hi);
                (lo, hi) = At(mid) > 0 ? (mid, hi) : (lo, mid);
            }
            return hi;
        }
        return double.PositiveInfinity;
    }
}
