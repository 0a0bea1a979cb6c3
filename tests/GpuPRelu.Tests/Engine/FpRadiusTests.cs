using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

public sealed class FpRadiusTests
{
    public static TheoryData<double, int> Exponents => new() { { 2, 1 }, { 2, 2 }, { 3, 1 }, { 3, 2 }, { 4.5, 1 }, { 4.5, 2 } };

    public static TheoryData<double, int, int> ExponentsAndSeeds => Seeds.Cross(Exponents);

    [Theory]
    [MemberData(nameof(ExponentsAndSeeds))]
    public void MatchesARayScanOfTheAttackOctant(double p, int ownCount, int seed)
    {
        // K = 3 coordinates, centers e_1..e_3: own class = the first ownCount, label 1
        var rng = new System.Random(seed);
        const int K = 3, Rays = 90;
        double[] mu = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        for (int point = 0; point < 6; point++)
        {
            var s = new double[K];
            for (int k = 0; k < K; k++)
                s[k] = k < ownCount ? 0.2 + rng.NextDouble() : -0.3 + 1.1 * rng.NextDouble();
            // Σ_k ±max(t_k, 0)^p in k order, as a loop: the scan below calls it millions of times
            double G(double[] t)
            {
                double g = 0;
                for (int k = 0; k < K; k++)
                    g += (k < ownCount ? 1 : -1) * Math.Pow(Math.Max(t[k], 0), p);
                return g;
            }
            if (G(s) <= 0)
                continue;
            double exact = RobustRadius.FpExact([.. s.Select(v => (float)v)], mu, K, ownCount, p, 1);
            // independent reference: own coordinates only fall and the others only rise at the optimum, so scan the rays
            // of that octant, each by a radial scan and bisection to its first sign change (every hit is a feasible point)
            double best = double.PositiveInfinity;
            var t = new double[K];
            for (int a = 0; a <= Rays; a++)
            {
                for (int b = 0; b <= Rays; b++)
                {
                    double th = Math.PI / 2 * a / Rays, ph = Math.PI / 2 * b / Rays;
                    double[] dir = [Math.Cos(th), Math.Sin(th) * Math.Cos(ph), Math.Sin(th) * Math.Sin(ph)];
                    for (int k = 0; k < K; k++)
                        dir[k] *= k < ownCount ? -1 : 1;
                    double Along(double r)
                    {
                        for (int k = 0; k < K; k++)
                            t[k] = s[k] + r * dir[k];
                        return G(t);
                    }
                    for (double r = 2e-3; r < Math.Min(best, 4); r += 2e-3)
                    {
                        if (Along(r) > 0)
                            continue;
                        double lo = r - 2e-3, hi = r;
                        for (int i = 0; i < 50; i++)
                        {
                            double mid = 0.5 * (lo + hi);
                            if (Along(mid) > 0)
                                lo = mid;
                            else
                                hi = mid;
                        }
                        best = Math.Min(best, hi);
                        break;
                    }
                }
            }
            // every scanned hit is feasible, so the exact radius can never exceed it; the ray spacing (1°) over-estimates
            // the true minimum by a few 1e-3 at most
            Assert.True(exact <= best + 1e-7, $"p {p}, point {point} (seed {seed}): exact {exact} above a feasible hit at {best}");
            Assert.True(best - exact < 5e-3, $"p {p}, point {point} (seed {seed}): exact {exact} far below the scan's {best}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void LiesInsideTheCertifiedBracket(int seed)
    {
        const int D = 12, K = 6, K1 = 2;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.6, 60, seed, test: true);
        foreach (double p in new[] { 2.0, 3.0, 4.0 })
        {
            for (int i = 0; i < data.Samples; i++)
            {
                var x = data.X.AsSpan(i * D, D);
                var (lower, upper) = RobustRadius.Fp(x, mu, K, K1, p, data.Y[i]);
                double exact = RobustRadius.FpExact(x, mu, K, K1, p, data.Y[i]);
                Assert.True(lower <= exact + 1e-9 && exact <= upper + 1e-9,
                    $"p {p}, point {i} (seed {seed}): exact {exact} outside [{lower}, {upper}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void PaperClaimsHoldForTheExactRadii(int seed)
    {
        // K 10, K1 6, D 100, α 0.05: the exact robust accuracy of F is 0 by radius 0.5, that of F^(3) is 1 up to 0.6
        const int D = 100, K = 10, K1 = 6;
        var mu = SubclassData.Centers(D, K, random: false, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.05, 200, seed, test: true);
        var rF = new double[data.Samples];
        var rFp = new double[data.Samples];
        for (int i = 0; i < data.Samples; i++)
        {
            var x = data.X.AsSpan(i * D, D);
            rF[i] = RobustRadius.F(x, mu, K, K1, data.Y[i]);
            rFp[i] = RobustRadius.FpExact(x, mu, K, K1, 3, data.Y[i]);
        }
        Assert.Equal(0, rF.Count(r => r >= 0.5));
        Assert.Equal(data.Samples, rFp.Count(r => r > 0.6));
    }

    [Fact]
    public void RefusesExponentsBelowTwo()
    {
        double[] mu = [1, 0, 0, 1];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => RobustRadius.FpExact([1f, 0f], mu, 2, 1, 1.5, 1));
        Assert.Contains("p ≥ 2", ex.Message, StringComparison.Ordinal);
    }
}
