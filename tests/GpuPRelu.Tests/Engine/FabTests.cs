using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>FAB-T (docs/attacks.md §9.3) on linear classifiers, whose minimal perturbation is known exactly, and on the
/// ideal classifiers of known exact radii.</summary>
[Collection(DeviceGroup.Name)]
public sealed class FabTests(DeviceFixture devices, ITestOutputHelper output)
{
    public static TheoryData<string, int, bool, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, bool, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                foreach (var (norm, box) in new[] { (0, false), (2, false), (2, true), (1, true) })
                {
                    foreach (int seed in Seeds.Of(device.Data, 5, 23))
                        data.Add((string)device.Data, norm, box, seed);
                }
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void FindsTheMinimalPerturbationOfALinearClassifier(string device, int norm, bool box, int seed)
    {
        // 3 classes on 10 inputs in [−1, 1]: the smallest perturbation that changes the class is min over c ≠ y of the
        // projection onto {f_c ≥ f_y} (∩ the box), solved exactly by the float64 reference; FAB must find it within 1 %
        const int D = 10, C = 3, n = 6;
        var (a, x, y, _) = LinearClassifier.Case(new System.Random(seed), norm, D, C, n);
        (double, double)? range = box ? (-1.0, 1.0) : null;
        var exact = Enumerable.Range(0, n).Select(i => Exact(a, x, y[i], i, norm, range)).ToArray();
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[C]);
        double[] radii = [.. exact.Where(double.IsFinite).Select(m => 0.999 * m).Concat(exact.Where(double.IsFinite).Select(m => 1.01 * m)).Order()];
        var options = new FabOptions((AttackNorm)norm, BoxLo: range?.Item1, BoxHi: range?.Item2);
        var outcome = Fab.RunOn(net, [new DataSet(x, y, n, D, C)], radii, options, null, examples: true);
        for (int i = 0; i < n; i++)
        {
            double found = outcome.Norms![0][i];
            output.WriteLine($"l{norm} box {box} point {i}: fab {found:0.######} exact {exact[i]:0.######}");
            if (!double.IsFinite(exact[i]))
            {
                Assert.True(double.IsPositiveInfinity(found), $"point {i}: no perturbation exists in the box, FAB found {found}");
                continue;
            }
            Assert.InRange(found, exact[i] * (1 - 1e-4), exact[i] * 1.01);
            Assert.True(outcome.Robust[0][Array.IndexOf(radii, 0.999 * exact[i])][i], $"point {i} broken below its exact radius {exact[i]}");
            Assert.False(outcome.Robust[0][Array.IndexOf(radii, 1.01 * exact[i])][i], $"point {i} robust at 1.01× its exact radius {exact[i]}");
            // the example: misclassified, of the norm reported, in the box
            var adv = outcome.Examples![0][i]!;
            var f = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * adv[d])).ToArray();
            Assert.NotEqual(y[i], Array.IndexOf(f, f.Max()));
            Close.Assert(found, FabAcceptReference.Norm(norm, Enumerable.Range(0, D).Select(d => (double)adv[d] - x[i * D + d])), atol: 1e-5, what: "example's norm");
            Assert.True(!box || adv.All(v => v >= -1f && v <= 1f), $"point {i}: example outside the box");
        }
    }

    // min over c ≠ y of ‖δ‖ with ⟨a_c − a_y, x + δ⟩ = 0 in the box (+∞ where the box cannot reach it)
    private static double Exact(double[,] a, float[] x, int y, int i, int norm, (double, double)? box)
    {
        int C = a.GetLength(0), D = a.GetLength(1);
        var xi = Enumerable.Range(0, D).Select(d => (double)x[i * D + d]).ToArray();
        return Enumerable.Range(0, C).Where(c => c != y).Min(c =>
        {
            var w = Enumerable.Range(0, D).Select(d => a[c, d] - a[y, d]).ToArray();
            double r = -w.Zip(xi).Sum(p => p.First * p.Second);
            var delta = FabStepReference.Project(norm, box, w, xi, r);
            double reached = w.Zip(delta).Sum(p => p.First * p.Second);
            return Math.Abs(reached - r) < 1e-9 ? FabAcceptReference.Norm(norm, delta) : double.PositiveInfinity;
        });
    }

    [Theory]
    [DeviceData(nameof(SquareTests.IdealSeeds), MemberType = typeof(SquareTests))]
    public void NeverBreaksAPointInsideTheExactRadiusOfTheIdealClassifiers(string device, int seed)
    {
        // one output: q = −y·f, the single target; l2, the norm of the exact radii
        double[] radii = [0.2, 0.4, 0.6, 0.8, 1.0, 1.5];
        var options = new FabOptions(AttackNorm.L2);
        foreach (var (kind, above, broken) in IdealRadii.Check(devices.Get(device), 25, 16, radii, seed,
            (net, data) => Fab.RunOn(net, [data], radii, options, null, false).Robust[0]))
        {
            output.WriteLine($"{kind}: {broken} (point, radius) pairs broken, {above} robust 0.05 above the exact radius");
            Assert.True(broken > 0, $"{kind}: nothing broken (seed {seed})");
        }
    }

    [Theory]
    [DeviceData(nameof(SquareTests.IdealSeeds), MemberType = typeof(SquareTests))]
    public void NormsAreUpperBoundsCloseToTheExactRadiiOfTheIdealClassifiers(string device, int seed)
    {
        // FAB's smallest l2 norm per point never undercuts the exact radius (float32: 1e-3) and, on these piecewise smooth
        // classifiers, lands within a few per cent of it for most points
        const int D = 25, K = 4, K1 = 2, n = 16;
        var mu = SubclassData.Centers(D, K, random: true, seed);
        var data = SubclassData.Generate(mu, D, K, K1, 0.5, n, seed, test: true);
        foreach (var (kind, p) in new[] { (IdealKind.F, 1.0), (IdealKind.Fp, 3.0) })
        {
            var (shape, theta) = IdealClassifier.Parameters(kind, D, K, K1, [mu]);
            using var net = new NetworkBatch(devices.Get(device), shape, [new NetworkInfo(0, p, 0.5, seed, 0)], theta, new float[D]);
            var norms = Fab.RunOn(net, [data], [1.0], new FabOptions(AttackNorm.L2), null, false).Norms![0];
            var ratios = new List<double>();
            for (int i = 0; i < n; i++)
            {
                var x = data.X.AsSpan(i * D, D);
                double exact = kind == IdealKind.F ? RobustRadius.F(x, mu, K, K1, data.Y[i]) : RobustRadius.FpExact(x, mu, K, K1, p, data.Y[i]);
                Assert.True(norms[i] >= exact - 1e-3, $"{kind}: point {i} FAB norm {norms[i]} below the exact radius {exact}");
                ratios.Add(norms[i] / exact);
                output.WriteLine($"{kind} point {i}: fab {norms[i]:0.#####} exact {exact:0.#####}");
            }
            ratios.Sort();
            output.WriteLine($"{kind}: fab/exact median {ratios[n / 2]:0.####}, max {ratios[^1]:0.####}");
            Assert.True(ratios[n / 2] <= 1.05, $"{kind}: median FAB/exact {ratios[n / 2]} (seed {seed})");
        }
    }
}
