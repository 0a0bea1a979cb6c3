using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Certification;
using Xunit;

namespace GpuPRelu.Tests.Kernels.Certification;

/// <summary>CrownBound against its float64 reference on every device (the tiled path's device included), for l2 and l∞,
/// the p of NetworkCase.Powers (one network each), one and three outputs, with and without normalize_input, the tangents
/// at z0 alone and after Frank–Wolfe steps; and the reference itself: exact at ε = 0 (every line touches σ at z0), below
/// every sampled margin inside the ball, and never lower with more steps (each margin keeps its best).</summary>
[Collection(DeviceGroup.Name)]
public sealed class CrownBoundTests(DeviceFixture devices)
{
    private const int D = 6, H = 10, n = 5, R = 3;

    public static TheoryData<string, int, int> Rows
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.DevicesAndTiled)
            {
                foreach (int outputs in new[] { 1, 3 })
                {
                    for (int normalize = 0; normalize <= 1; normalize++)
                        data.Add((string)device.Data, outputs, normalize);
                }
            }
            return data;
        }
    }

    public static TheoryData<string, int, int, int> RowsAndSeeds => Seeds.Cross(Rows);

    [Theory]
    [DeviceData(nameof(RowsAndSeeds))]
    public void MatchesReference(string device, int outputs, int normalize, int seed)
    {
        var dev = devices.Get(device);
        var cc = CertifyCase.Create(seed, outputs, D, H, n, normalize != 0);
        foreach (var (norm, iterations) in new[] { (0, 1), (2, 1), (0, 5), (2, 5) })
        {
            var (s, spec, x) = Inputs(cc, norm, iterations);
            var radius = Radii(s, seed);
            using var arrays = new DeviceArrays(dev.Accelerator);
            var bound = arrays.Zeros(s.Networks * s.Samples);
            dev.CertifyKernels.CrownBound(s, spec, arrays.Upload(x.Theta), arrays.Upload(x.Coef), arrays.Upload(x.Dual), arrays.Upload(x.P),
                arrays.Upload(x.Z0), arrays.Upload(x.U), arrays.Upload(x.Label), arrays.Upload(radius), arrays.Zeros(s.Networks * s.Samples * D),
                arrays.Zeros(s.Networks * s.Samples * H), bound);
            var expected = CrownBoundReference.Run(s, spec, NetworkCase.Wide(x.Theta), NetworkCase.Wide(x.Coef), NetworkCase.Wide(x.Dual),
                NetworkCase.Wide(x.P), NetworkCase.Wide(x.Z0), NetworkCase.Wide(x.U), x.Label, NetworkCase.Wide(radius));
            // sums of H float32 lines (σ up to the 4th power) and a norm of D terms, against values of order 1–10
            const double Atol = 2e-4, Rtol = 1e-3;
            Close.Assert(expected, DeviceArrays.Download(bound), Atol, Rtol, what: $"bound (l{(norm == 2 ? "2" : "∞")}, {iterations} iterations, C {outputs}, normalize {normalize}, seed {seed})");
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void ReferenceIsExactAtZeroAndBelowSampledMargins(int outputs, int normalize, int seed)
    {
        var cc = CertifyCase.Create(seed, outputs, D, H, n, normalize != 0);
        var rng = new System.Random(seed);
        foreach (var (norm, iterations) in new[] { (0, 1), (2, 1), (0, 5), (2, 5) })
        {
            var (s, spec, x) = Inputs(cc, norm, iterations);
            var radius = Radii(s, seed);
            var bound = CrownBoundReference.Run(s, spec, NetworkCase.Wide(x.Theta), NetworkCase.Wide(x.Coef), NetworkCase.Wide(x.Dual),
                NetworkCase.Wide(x.P), NetworkCase.Wide(x.Z0), NetworkCase.Wide(x.U), x.Label, NetworkCase.Wide(radius));
            var first = CrownBoundReference.Run(s, spec with { Iterations = 1 }, NetworkCase.Wide(x.Theta), NetworkCase.Wide(x.Coef),
                NetworkCase.Wide(x.Dual), NetworkCase.Wide(x.P), NetworkCase.Wide(x.Z0), NetworkCase.Wide(x.U), x.Label, NetworkCase.Wide(radius));
            var stopped = CrownBoundReference.Run(s, spec with { StopPositive = 1 }, NetworkCase.Wide(x.Theta), NetworkCase.Wide(x.Coef),
                NetworkCase.Wide(x.Dual), NetworkCase.Wide(x.P), NetworkCase.Wide(x.Z0), NetworkCase.Wide(x.U), x.Label, NetworkCase.Wide(radius));
            for (int i = 0; i < bound.Length; i++)
            {
                Assert.True(bound[i] >= first[i], $"row {i} l{norm}: {iterations} steps' bound {bound[i]} below the first's {first[i]}");
                // stopping at the first positive bound keeps the sign, which is all a search on ε reads
                Assert.True(stopped[i] > 0 == bound[i] > 0, $"row {i} l{norm}: stopping early gave {stopped[i]}, all steps {bound[i]}");
            }
            int below = 0;
            for (int b = 0; b < s.Networks; b++)
            {
                for (int m = 0; m < s.Samples; m++)
                {
                    int i = b * s.Samples + m, point = b * n + m % n, y = x.Label[point];
                    var x0 = NetworkCase.Wide(x.U.AsSpan(point * D, D).ToArray());
                    double margin = cc.Margin(b, x0, y), eps = radius[i];
                    if (eps == 0)
                    {
                        // coef and z0 are float32 inputs: their rounding against the float64 forward
                        Close.Assert(margin, bound[i], atol: 1e-5, rtol: 1e-5, what: $"bound at ε = 0 (network {b}, point {m % n}, l{norm})");
                        continue;
                    }
                    below += bound[i] < margin - 1e-3 ? 1 : 0;
                    for (int k = 0; k < 200; k++)
                    {
                        // uniform in the l∞ cube, or a Gaussian direction scaled into the l2 ball
                        var delta = Enumerable.Range(0, D).Select(_ => norm == 0 ? eps * (2 * rng.NextDouble() - 1) : Gaussian(rng)).ToArray();
                        if (norm == 2)
                        {
                            double scale = eps * Math.Pow(rng.NextDouble(), 1.0 / D) / Math.Sqrt(delta.Sum(v => v * v));
                            delta = [.. delta.Select(v => v * scale)];
                        }
                        double sampled = cc.Margin(b, [.. x0.Select((v, d) => v + delta[d])], y);
                        Assert.True(bound[i] <= sampled + 1e-5 * (1 + Math.Abs(sampled)), $"network {b} point {m % n} ε {eps} l{norm}: bound {bound[i]} above a margin {sampled} inside the ball");
                    }
                }
            }
            // the relaxation is loose at ε > 0: a check that it is a bound and not the margin itself
            Assert.True(below > 0, "the bound equals the margin at every ε > 0: the sampling could not see a wrong bound");
        }
    }

    public static TheoryData<int, int, int> ReferenceCases => new() { { 1, 0, 3 }, { 3, 0, 4 }, { 1, 1, 5 }, { 3, 1, 6 } };

    // rows radius-major (m = r·n + i): ε = 0, then two radii growing with the network
    private static float[] Radii(BatchShape s, int seed) =>
        [.. Enumerable.Range(0, s.Networks * s.Samples).Select(i => (float)((i % s.Samples / n) * (0.05 + 0.01 * (i / s.Samples)) * (1 + seed % 3 * 0.5)))];

    /// <summary>The kernel's inputs for a CertifyCase (centers 0, so u = x): coef = V/‖w‖₂^(p−1), the dual norms, z0 = ⟨w, u⟩
    /// in float64 narrowed to float32, R radii per point.</summary>
    internal static (BatchShape S, CrownSpec Spec, (float[] Theta, float[] Coef, float[] Dual, float[] P, float[] Z0, float[] U, int[] Label) X)
        Inputs(CertifyCase cc, int norm, int iterations)
    {
        var s = cc.Shape.WithSamples(R * n);
        int B = s.Networks, C = s.Outputs;
        var (coef, dual, z0, u, label) = (new float[B * H * C], new float[B * H], new float[B * n * H], new float[B * n * D], new int[B * n]);
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++)
            {
                double r = 0, l1 = 0;
                for (int d = 0; d < D; d++)
                {
                    double w = cc.Theta[(b * D + d) * H + j];
                    (r, l1) = (r + w * w, l1 + Math.Abs(w));
                }
                dual[b * H + j] = (float)(norm == 2 ? Math.Sqrt(r) : l1);
                for (int c = 0; c < C; c++)
                    coef[(b * H + j) * C + c] = (float)(cc.Theta[s.VOffset + (b * H + j) * C + c] / Math.Pow(Math.Sqrt(r), cc.P[b] - 1));
            }
            for (int i = 0; i < n; i++)
            {
                label[b * n + i] = cc.Points[b].Y[i];
                Array.Copy(cc.Points[b].X, i * D, u, (b * n + i) * D, D);
                for (int j = 0; j < H; j++)
                {
                    double z = 0;
                    for (int d = 0; d < D; d++)
                        z += (double)cc.Theta[(b * D + d) * H + j] * u[(b * n + i) * D + d];
                    z0[(b * n + i) * H + j] = (float)z;
                }
            }
        }
        return (s, new CrownSpec(norm, n, iterations, 0), (cc.Theta, coef, dual, [.. cc.P.Select(v => (float)v)], z0, u, label));
    }

    private static double Gaussian(System.Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
