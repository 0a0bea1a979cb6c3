using GpuPRelu.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The exact F^(p) radius search evaluates each grid point's roots once for all branches (FpRadius.GridTerms):
/// every branch at every grid point must give Branch's value bit for bit, so the radii did not change.</summary>
public sealed class FpRadiusGridTests
{
    // (p, seed): the closed forms (2, 3) and the bisections (4.5); points with positive, negative and zero coordinates
    public static TheoryData<double, int> Cases => new() { { 2, 1 }, { 2, 2 }, { 3, 3 }, { 3, 4 }, { 4.5, 5 }, { 4.5, 6 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryBranchEqualsBranchBitForBit(double p, int seed)
    {
        var rng = new System.Random(seed);
        double[] own = [.. Enumerable.Range(0, 4).Select(_ => 1.2 * rng.NextDouble() - 0.2)];
        double[] other = [.. Enumerable.Range(0, 5).Select(_ => 1.0 * rng.NextDouble() - 0.5)];
        other[0] = 0;
        var terms = new FpRadius.GridTerms(own, other, p);
        var t = new double[own.Length + other.Length];
        int finite = 0;
        for (int j = -1; j < other.Length; j++)
        {
            for (int g = 0; g <= 400; g++)
            {
                double expected = FpRadius.Branch(own, other, p, j, Math.Pow(10, -9 + 18.0 * g / 400), t);
                double actual = terms.Branch(j, g);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
                    $"branch {j}, grid point {g}: Branch {expected:R}, GridTerms {actual:R} (p {p}, seed {seed})");
                finite += double.IsFinite(actual) ? 1 : 0;
            }
        }
        Assert.True(finite >= 150, $"only {finite} finite branch values: the comparison would be about NaN only");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteAgreesWithBranchOnFinerMu(double p, int seed)
    {
        // DomainEnd's bisection asks FpRadius.Finite where it asked double.IsFinite(Branch(…)): the two must agree at every
        // μ, including between grid points and at the ends of branches (both answers must occur, or the check says little)
        var rng = new System.Random(100 + seed);
        double[] own = [.. Enumerable.Range(0, 4).Select(_ => 1.2 * rng.NextDouble() - 0.2)];
        double[] other = [.. Enumerable.Range(0, 5).Select(_ => 1.0 * rng.NextDouble() - 0.5)];
        var t = new double[own.Length + other.Length];
        int yes = 0, no = 0;
        for (int j = -1; j < other.Length; j++)
        {
            for (int g = 0; g <= 4000; g++)
            {
                double mu = Math.Pow(10, -9 + 18.0 * g / 4000);
                bool expected = double.IsFinite(FpRadius.Branch(own, other, p, j, mu, t));
                Assert.True(expected == FpRadius.Finite(own, other, p, j, mu, t), $"branch {j}, μ {mu:R} (p {p}, seed {seed})");
                (yes, no) = expected ? (yes + 1, no) : (yes, no + 1);
            }
        }
        Assert.True(yes > 1000 && no > 1000, $"finite {yes}, not finite {no}: both must be common");
        Assert.False(FpRadius.Finite([double.NaN, 0.5], [0.1], p, -1, 1, new double[3]));
    }
}
