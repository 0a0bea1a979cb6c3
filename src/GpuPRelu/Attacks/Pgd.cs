using GpuPRelu.Data;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Models;
using GpuPRelu.Training;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Attacks;

/// <summary>Batched PGD: every network of a batch × every radius × every point in one launch sequence per step, state on
/// the device (research/attacks.md). A point counts as broken at radius r when it is misclassified clean or at any
/// iterate; broken rows stop moving; and a point broken at r is broken at every larger radius.</summary>
public static class Pgd
{
    /// <summary>robust[b][r][i]: point i of network b's set survives radius radii[r] (radii ascending).</summary>
    public static bool[][][] Run(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, PgdOptions options,
        int maxRowsPerChunk = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(options);
        int B = net.Shape.Networks, D = net.Shape.Inputs, R = radii.Count, n = points[0].Samples;
        if (points.Count != B || points.Any(p => p.Inputs != D || p.Samples != n))
            throw new ArgumentException($"need {B} point sets of {n} points with D {D}, one per network", nameof(points));
        var robust = Enumerable.Range(0, B).Select(_ => Enumerable.Range(0, R).Select(_ => new bool[n]).ToArray()).ToArray();
        int chunk = Math.Max(1, Math.Min(n, maxRowsPerChunk / Math.Max(1, R)));
        var centers = net.CentersToHost();
        for (int first = 0; first < n; first += chunk)
        {
            for (int run = 0; run < options.Restarts; run++)
                RunChunk(net, points, radii, options, centers, first, Math.Min(chunk, n - first), robust, run);
        }
        // monotone in the radius: broken at r ⇒ broken at every r' > r
        foreach (var perRadius in robust)
        {
            for (int r = 1; r < R; r++)
            {
                for (int i = 0; i < n; i++)
                    perRadius[r][i] &= perRadius[r - 1][i];
            }
        }
        return robust;
    }

    private static void RunChunk(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, PgdOptions o,
        float[] centers, int first, int m, bool[][][] robust, int run)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs, R = radii.Count, M = R * m;
        var acc = net.Device.Accelerator;
        var k = net.Device.Kernels;
        var s = net.Shape.WithSamples(M);
        // rows radius-major within a network: row = r·m + i
        var u0 = new float[(long)B * M * D];
        var ym = new int[B * M];
        var radius = new float[M];
        for (int b = 0; b < B; b++)
        {
            for (int r = 0; r < R; r++)
            {
                for (int i = 0; i < m; i++)
                {
                    long row = (long)b * M + r * m + i;
                    ym[row] = points[b].Y[first + i];
                    radius[r * m + i] = (float)radii[r];
                    for (int d = 0; d < D; d++)
                        u0[row * D + d] = points[b].X[(long)(first + i) * D + d] - centers[b * D + d];
                }
            }
        }
        using var ws = new Workspace(net, M);
        using var clean = acc.Allocate1D(u0);
        var start = o.RandomStart || run > 0 ? RandomStart(o, u0, centers, radius, B, M, D, first, m, run) : u0;
        using var du = acc.Allocate1D<float>(u0.Length);
        using var radiusBuffer = acc.Allocate1D(radius);
        using var broken = acc.Allocate1D<int>(B * M);
        // a later run attacks only what every earlier run left robust
        var known = new int[B * M];
        for (int b = 0; b < B && run > 0; b++)
        {
            for (int r = 0; r < R; r++)
            {
                for (int i = 0; i < m; i++)
                    known[b * M + r * m + i] = robust[b][r][first + i] ? 0 : 1;
            }
        }
        broken.CopyFromCPU(known);
        ws.U.CopyFromCPU(start);
        ws.Ym.CopyFromCPU(ym);
        ws.ColumnNorms();
        var spec = new PgdSpec((int)o.Norm, (float)o.StepSize, o.BoxLo is null ? 0 : 1, (float)(o.BoxLo ?? 0), (float)(o.BoxHi ?? 0));
        for (int step = 0; ; step++)
        {
            ws.ForwardRows(s, o.Loss, 1f);
            k.MarkBroken(ws.Correct.View.SubView(0, (long)B * M), broken.View);
            if (step == o.Steps)
                break;
            ws.InputGradient(s, du.View);
            k.PgdStep(s, spec, clean.View, ws.U.View, du.View, radiusBuffer.View, net.Center.View, broken.View);
        }
        var flags = broken.GetAsArray1D();
        for (int b = 0; b < B; b++)
        {
            for (int r = 0; r < R; r++)
            {
                for (int i = 0; i < m; i++)
                    robust[b][r][first + i] = flags[b * M + r * m + i] == 0;
            }
        }
    }

    /// <summary>u0 + δ with δ uniform in the row's ball (l2: radius ε·U(0,1) along a Gaussian direction, as torchattacks;
    /// l∞: U[−ε, ε] per coordinate), then clipped into the box; keyed by (seed, point, radius, run, coordinate).</summary>
    private static float[] RandomStart(PgdOptions o, float[] u0, float[] centers, float[] radius, int B, int M, int D, int first,
        int m, int run)
    {
        var u = (float[])u0.Clone();
        Parallel.For(0, B * M, row =>
        {
            int b = row / M, within = row % M, r = within / m, i = within % m;
            long key = (((long)b * 1_000_003 + first + i) * 1_009 + r) * 1_013 + run; // unique per (network, point, radius, run)
            double eps = radius[within], norm = 0;
            var delta = new double[D];
            for (int d = 0; d < D; d++)
            {
                delta[d] = o.Norm == AttackNorm.L2
                    ? Random.CounterRandom.Normal(o.Seed, Random.RandomPurpose.AttackStart, key * D + d)
                    : eps * (2 * Random.CounterRandom.Uniform(o.Seed, Random.RandomPurpose.AttackStart, key * D + d) - 1);
                norm += delta[d] * delta[d];
            }
            double scale = o.Norm == AttackNorm.L2
                ? eps * Random.CounterRandom.Uniform(o.Seed, Random.RandomPurpose.AttackStart, -1 - key) / Math.Max(Math.Sqrt(norm), 1e-12)
                : 1;
            for (int d = 0; d < D; d++)
            {
                double x = u0[(long)row * D + d] + scale * delta[d];
                if (o.BoxLo is { } lo && o.BoxHi is { } hi)
                    x = Math.Clamp(x + centers[b * D + d], lo, hi) - centers[b * D + d];
                u[(long)row * D + d] = (float)x;
            }
        });
        return u;
    }
}
