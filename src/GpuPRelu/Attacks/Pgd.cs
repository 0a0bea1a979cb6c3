using GpuPRelu.Data;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Models;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>Batched PGD: every network of a batch × every radius × every point in one launch sequence per step, state on
/// the device (docs/attacks.md). A point counts as broken at radius r when it is misclassified clean or at any
/// iterate; broken rows stop moving; and a point broken at r is broken at every larger radius.</summary>
public static class Pgd
{
    // steps between compactions, and the share of rows that must be gone for one
    private const int CheckEvery = 5;
    private const double Keep = 0.75;

    /// <summary>robust[b][r][i]: point i of network b's set survives radius radii[r] (radii ascending).
    /// Broken rows are dropped every CheckEvery steps (`compact`), and on the managed CPU path each network runs alone
    /// (`perNetwork`, AttackRows.PerNetwork); the verdicts are the same without either.</summary>
    public static bool[][][] Run(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, PgdOptions options,
        int maxRowsPerChunk = 1 << 16, bool compact = true, bool perNetwork = true)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(options);
        AttackRows.Check(net, points, radii);
        if (perNetwork && AttackRows.PerNetwork(net))
            return AttackRows.EachNetwork(net, points, (one, set) => Run(one, set, radii, options, maxRowsPerChunk, compact));
        int B = net.Shape.Networks, R = radii.Count, n = points[0].Samples;
        var robust = AttackRows.Allocate(B, R, n);
        // beside the Workspace: clean rows and ∂loss/∂u (D each), radius and broken flag
        int chunk = AttackRows.ChunkSize(net, n, R, maxRowsPerChunk, 2L * net.Shape.Inputs + 2, "pgd");
        var centers = net.CentersToHost();
        for (int first = 0; first < n; first += chunk)
            RunChunk(net, points, radii, options, centers, first, Math.Min(chunk, n - first), compact, robust);
        AttackRows.MakeMonotone(robust);
        return robust;
    }

    private static void RunChunk(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, PgdOptions o,
        float[] centers, int first, int m, bool compact, bool[][][] robust)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs, R = radii.Count, M = R * m;
        var dev = net.Device;
        var k = net.Device.Kernels;
        var s = net.Shape.WithSamples(M);
        var (u0, ym, radius) = AttackRows.Build(B, D, points, radii, centers, first, m);
        using var ws = new Workspace(net, M);
        using var clean = dev.Allocate(u0);
        using var du = dev.Allocate<float>(u0.Length);
        using var radiusBuffer = dev.Allocate(radius);
        using var broken = dev.Allocate<int>(B * M);
        broken.Clear();
        ws.U.CopyFromHost(u0);
        ws.Ym.CopyFromHost(ym);
        ws.ColumnNorms();
        var spec = new PgdSpec((int)o.Norm, (float)o.StepSize, o.BoxLo is null ? 0 : 1, (float)(o.BoxLo ?? 0), (float)(o.BoxHi ?? 0),
            (float)o.Guard);
        if (o.RandomStart)
        {
            // misclassified clean points are broken whatever the start
            ws.ForwardRows(s, o.Loss, 1f);
            k.MarkBroken(ws.Correct.Slice(0, (long)B * M), broken.View);
            ws.U.CopyFromHost(Start(o, u0, radius, centers, [.. net.Networks.Select(x => x.Seed)], m, D, first));
        }
        var rows = new ActiveRows(B, R, m, D);
        for (int step = 0; ; step++)
        {
            o.Cancel.ThrowIfCancellationRequested();
            if (compact && step > 0 && step % CheckEvery == 0)
            {
                int kept = rows.Check(broken, ws.U.View, clean.View, ws.Ym.View, radiusBuffer.View, u0, ym, radius, Keep);
                if (kept == 0)
                    break;
                s = s.WithSamples(kept);
            }
            // the loss as a mean over the reference batch: its gradient carries 1/RefBatch, which matters against the guard
            ws.ForwardRows(s, o.Loss, (float)(1.0 / o.RefBatch));
            k.MarkBroken(ws.Correct.Slice(0, (long)B * s.Samples), broken.Slice(0, (long)B * s.Samples));
            if (!rows.Compacted)
                net.Device.AttackKernels.SpreadBroken(s, m, broken.View);
            if (step == o.Steps)
                break;
            ws.InputGradient(s, du.View);
            k.PgdStep(s, spec, clean.View, ws.U.View, du.View, radiusBuffer.View, net.Center.View, broken.View);
        }
        AttackRows.Scatter(rows.Collect(ActiveRows.Download<int>(broken.View, (long)B * s.Samples)), R, first, m, robust);
    }

    /// <summary>TA's random start (docs/attacks.md §1): l∞ δ uniform in [−ε, ε]^D; l2 δ = ε·r·t/‖t‖₂ with t standard
    /// normal and r uniform in (0, 1) per point (a uniform radius, not volume-uniform); then the box.</summary>
    private static float[] Start(PgdOptions o, float[] u0, float[] radius, float[] centers, int[] seeds, int m, int D, int first)
    {
        int B = seeds.Length;
        (double, double)? box = o.BoxLo is { } lo ? (lo, o.BoxHi!.Value) : null;
        return AttackRows.Start(u0, radius, centers, box, B, m, D, first, (b, point) =>
        {
            long key = AttackRows.StartKey(0, point) * (D + 1), seed = AttackRows.StartSeed(o.Seed, seeds[b]);
            var t = new double[D];
            for (int d = 0; d < D; d++)
            {
                t[d] = o.Norm == AttackNorm.L2
                    ? CounterRandom.Normal(seed, RandomPurpose.AttackStart, key + d)
                    : 2 * CounterRandom.Uniform(seed, RandomPurpose.AttackStart, key + d) - 1;
            }
            if (o.Norm != AttackNorm.L2)
                return t;
            double scale = CounterRandom.Uniform(seed, RandomPurpose.AttackStart, key + D) / Math.Sqrt(t.Sum(v => v * v));
            return [.. t.Select(v => v * scale)];
        });
    }
}
