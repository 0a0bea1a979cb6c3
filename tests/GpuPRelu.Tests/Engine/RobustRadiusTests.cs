using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

public sealed class RobustRadiusTests
{
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void FMatchesPolarGridSearchInTheClassPlane(int seed)
    {
        const int D = 9, K = 5, K1 = 2;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.8, 40, seed, test: true);
        double[] plus = [.. Enumerable.Range(0, D).Select(d => IdealClassifier.Average(mu, D, K, K1, true, d))];
        double[] minus = [.. Enumerable.Range(0, D).Select(d => IdealClassifier.Average(mu, D, K, K1, false, d))];
        for (int i = 0; i < data.Samples; i++)
        {
            var x = data.X.AsSpan(i * D, D);
            double s = Dot(plus, x), t = Dot(minus, x), y = data.Y[i] == 1 ? 1 : -1;
            double F(double a, double b) => Math.Sqrt(K1) * Math.Max(a, 0) - Math.Sqrt(K - K1) * Math.Max(b, 0);
            // independent reference: the nearest sign change on 3600 rays of the (μ̄₊, μ̄₋) plane, by a fine scan and bisection
            double best = y * F(s, t) <= 0 ? 0 : double.PositiveInfinity;
            for (int k = 0; k < 3600 && best > 0; k++)
            {
                double c = Math.Cos(2 * Math.PI * k / 3600), sn = Math.Sin(2 * Math.PI * k / 3600);
                for (double r = 1e-3; r < Math.Min(best, 3); r += 1e-3)
                {
                    if (y * F(s + r * c, t + r * sn) <= 0)
                    {
                        best = Math.Min(best, r);
                        break;
                    }
                }
            }
            double exact = RobustRadius.F(x, mu, K, K1, data.Y[i]);
            // the ray grid: angular spacing 2π/3600 and radial step 1e-3 overestimate by at most ~2e-3
            Assert.True(exact <= best + 1e-9 && best - exact < 3e-3, $"point {i} (seed {seed}): exact {exact}, grid {best}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void PaperClaimsHoldOnTheirData(int seed)
    {
        // K 10, K1 6, D 100, α 0.05: F is not robust beyond ~1/√K, F^(3) stays robust to ~√2/2 (docs/design.md §1)
        const int D = 100, K = 10, K1 = 6;
        var mu = SubclassData.Centers(D, K, random: false, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.05, 500, seed, test: true);
        for (int i = 0; i < data.Samples; i++)
        {
            var x = data.X.AsSpan(i * D, D);
            double rF = RobustRadius.F(x, mu, K, K1, data.Y[i]);
            var (lower, upper) = RobustRadius.Fp(x, mu, K, K1, 3, data.Y[i]);
            Assert.True(rF < 0.5, $"F robust at 0.5 for point {i} (seed {seed}): radius {rF}");
            Assert.True(lower > 0.6, $"F^(3) certified radius {lower} ≤ 0.6 for point {i} (seed {seed})");
            Assert.True(upper - lower < 0.02, $"F^(3) bracket [{lower}, {upper}] is loose for point {i}");
        }
    }

    private static double Dot(double[] a, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int d = 0; d < x.Length; d++)
            sum += a[d] * x[d];
        return sum;
    }
}
