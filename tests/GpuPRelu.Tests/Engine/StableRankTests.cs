using GpuPRelu.Analysis;
using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Interop;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class StableRankTests(DeviceFixture fixture)
{
    static double[] Gaussian(System.Random rng, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))];

    /// <summary>The columns of a rows × cols Gaussian matrix made orthonormal (Gram–Schmidt, twice), row-major.</summary>
    static double[] Orthonormal(System.Random rng, int rows, int cols)
    {
        var q = Gaussian(rng, rows * cols);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < cols; k++)
            {
                for (int l = 0; l < k; l++)
                {
                    double dot = 0;
                    for (int i = 0; i < rows; i++)
                        dot += q[i * cols + k] * q[i * cols + l];
                    for (int i = 0; i < rows; i++)
                        q[i * cols + k] -= dot * q[i * cols + l];
                }
                double norm = Math.Sqrt(Enumerable.Range(0, rows).Sum(i => q[i * cols + k] * q[i * cols + k]));
                for (int i = 0; i < rows; i++)
                    q[i * cols + k] /= norm;
            }
        }
        return q;
    }

    static NetworkBatch Batch(Fixtures.DeviceFixture fixture, string kind, BatchShape s, float[] theta, float[] centers, double[] p) =>
        new(fixture.Get(kind), s, [.. p.Select((x, b) => new NetworkInfo(b, x, 0, 0, 0))], theta, centers);

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void OfWeights_MatchesKnownSpectrum(string kind)
    {
        const int D = 9, H = 4;
        double[][] spectra = [[3, 2, 1, 0.5], [1, 0.9, 0.2, 0.1]];
        var s = new BatchShape(spectra.Length, 0, D, H, 1, 0, 0);
        var theta = new float[s.ParameterCount];
        var rng = new System.Random(21);
        for (int b = 0; b < spectra.Length; b++)
        {
            // W = U·diag(σ)·Vᵀ with U [D, H] and V [H, H] orthonormal: ‖W‖_F² = Σσ², ‖W‖₂ = max σ
            var u = Orthonormal(rng, D, H);
            var v = Orthonormal(rng, H, H);
            for (int d = 0; d < D; d++)
            {
                for (int j = 0; j < H; j++)
                    theta[b * D * H + d * H + j] = (float)Enumerable.Range(0, H).Sum(k => u[d * H + k] * spectra[b][k] * v[j * H + k]);
            }
        }
        using var net = Batch(fixture, kind, s, theta, new float[spectra.Length * D], [1, 1]);

        var rank = StableRank.OfWeights(net);

        Close.Assert([.. spectra.Select(sigma => sigma.Sum(x => x * x) / (sigma.Max() * sigma.Max()))], rank, what: "stable rank of W");
    }

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void OfHiddenFeatures_MatchesReference(string kind)
    {
        const int N = 29, D = 6, H = 5, C = 3;
        double[] p = [1, 2.5];
        var s = new BatchShape(p.Length, 0, D, H, C, 1, 1);
        var rng = new System.Random(8);
        var theta = Gaussian(rng, s.ParameterCount).Select(x => (float)x).ToArray();
        var centers = Gaussian(rng, p.Length * D).Select(x => (float)(0.1 * x)).ToArray();
        var x = Gaussian(rng, N * D).Select(v => (float)v).ToArray();
        var data = new DataSet(x, [.. Enumerable.Range(0, N).Select(n => n % C)], N, D, C);
        using var net = Batch(fixture, kind, s, theta, centers, p);

        var rank = StableRank.OfHiddenFeatures(net, data, chunkRows: 8);

        var expected = new double[p.Length];
        for (int b = 0; b < p.Length; b++)
        {
            var a = ShallowPreluNetReference.Hidden(x, centers[(b * D)..((b + 1) * D)], theta[(b * D * H)..((b + 1) * D * H)], p[b], true, N, D, H);
            expected[b] = Frobenius2(a) / SpectralNorm2(a, N, H);
        }
        Close.Assert(expected, rank, rtol: 1e-3, what: "stable rank of the hidden features"); // float32 Gram of squared features
    }

    static double Frobenius2(double[] a) => a.Sum(v => v * v);

    /// <summary>‖A‖₂² by float64 power iteration on AᵀA, run to convergence.</summary>
    static double SpectralNorm2(double[] a, int n, int h)
    {
        var v = Enumerable.Repeat(1.0, h).ToArray();
        double lambda = 0;
        for (int it = 0; it < 20000; it++)
        {
            var av = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, h).Sum(j => a[i * h + j] * v[j])).ToArray();
            var y = Enumerable.Range(0, h).Select(j => Enumerable.Range(0, n).Sum(i => a[i * h + j] * av[i])).ToArray();
            lambda = Math.Sqrt(y.Sum(t => t * t));
            v = [.. y.Select(t => t / lambda)];
        }
        return lambda;
    }
}
