using GpuPRelu.Data;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Models;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>Batched Square attack, l∞ and l2 (docs/attacks.md §9.4; score-based: one forward pass per query, no
/// gradient): every network × radius × point row proposes one square per iteration and keeps it where the margin falls;
/// a row breaks when its best point is misclassified. Draws depend on (seed, network, point, iteration) only — the same at
/// every radius and in any chunking — and are drawn per point (AutoAttack shares window corners across its batch).
/// Corners are uniform over every window, ⌊U·(side − s + 1)⌋: AutoAttack's ⌊U·(side − s)⌋ never draws the last one, so
/// with 1-pixel squares its last row and column never move (on a 5 × 5 layout 9 of 25 inputs).</summary>
public static class Square
{
    // iterations between compactions, and the share of rows that must be gone for one
    private const int CheckEvery = 20;
    private const double Keep = 0.75;

    /// <summary>As Apgd.RunOn: the points robustBefore leaves robust (null: all), examples kept on request (no compaction).</summary>
    public static AttackOutcome RunOn(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, SquareOptions options,
        bool[][][]? robustBefore, bool examples, int maxRowsPerChunk = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(net.Shape.Inputs);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        AttackRows.Check(net, points, radii);
        if (AttackRows.PerNetwork(net))
            return AttackRows.EachNetwork(net, points, robustBefore, (one, set, b) => RunOn(one, set, radii, options, b, examples, maxRowsPerChunk));
        int B = net.Shape.Networks, R = radii.Count, n = points[0].Samples;
        var robust = AttackRows.Allocate(B, R, n);
        var found = examples ? Enumerable.Range(0, B).Select(_ => new float[]?[n]).ToArray() : null;
        // beside the Workspace: clean rows and best points (D each), best margin, radius, flag, draws
        int chunk = AttackRows.ChunkSize(net, n, R, maxRowsPerChunk, 2L * net.Shape.Inputs + 3 + SquareProposal.Draws, "square");
        var centers = net.CentersToHost();
        for (int first = 0; first < n; first += chunk)
            RunChunk(net, points, radii, options, centers, first, Math.Min(chunk, n - first), robustBefore, found, robust);
        AttackRows.MakeMonotone(robust);
        return new AttackOutcome(robust, found);
    }

    private static void RunChunk(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, SquareOptions o, float[] centers,
        int first, int m, bool[][][]? before, float[]?[][]? found, bool[][][] robust)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs, R = radii.Count, M = R * m, n = points[0].Samples;
        var (h, w) = SquareOptions.Layout(D);
        var dev = net.Device;
        var ak = net.Device.AttackKernels;
        var s = net.Shape.WithSamples(M);
        var (u0, ym, radius) = AttackRows.Build(B, D, points, radii, centers, first, m);
        using var ws = new Workspace(net, M);
        using var clean = dev.Allocate(u0);
        using var uBest = dev.Allocate<float>(u0.Length);
        using var best = dev.Allocate<float>(B * M);
        using var radiusBuffer = dev.Allocate(radius);
        using var broken = dev.Allocate(AttackRows.BrokenBefore(before, B, R, first, m));
        using var draws = dev.Allocate<int>((long)B * M * SquareProposal.Draws);
        using var eta = dev.Allocate<float>(D);
        ws.Ym.CopyFromHost(ym);
        ws.ColumnNorms();
        var box = (Has: o.BoxLo is not null ? 1 : 0, Lo: (float)(o.BoxLo ?? 0), Hi: (float)(o.BoxHi ?? 0));
        // the draws of (network, point, step): step 0 the start, step t + 1 iteration t
        int tiles = h >= 5 ? h / (h / 5) * (w / (h / 5)) : 0;
        int slots = Math.Max(8, Math.Max(w, 2 * tiles));
        // keyed by the network's own seed, never its place in the batch (a sweep's shards and resumes rely on it)
        long[] seeds = [.. net.Networks.Select(x => AttackRows.StartSeed(o.Seed, x.Seed))];
        long Key(int b, int point, int step, int slot) => ((long)point * (o.Queries + 1) + step) * slots + slot;

        // clean points: misclassified ones are broken at every radius and never attacked
        ws.U.CopyFromHost(u0);
        ws.ForwardRows(s, net.Shape.Outputs == 1 ? LossKind.Logistic : LossKind.CrossEntropy, 1f);
        net.Device.Kernels.MarkBroken(ws.Correct.Slice(0, (long)B * M), broken.View);
        ak.SpreadBroken(s, m, broken.View);
        var start = SquareStart.Rows(o, u0, radius, centers, B, m, D, first, (b, point, slot) => CounterRandom.Uniform(seeds[b],
            RandomPurpose.SquareDraws, Key(b, point, 0, slot)));
        ws.U.CopyFromHost(start);
        ws.Logits(s);
        ak.SquareAccept(s, true, ws.F.View, ws.Ym.View, ws.U.View, uBest.View, best.View, broken.View);
        ak.SpreadBroken(s, m, broken.View);
        var rows = new ActiveRows(B, R, m, D);
        int side = 0;
        for (int i = 0; i < o.Queries; i++)
        {
            o.Cancel.ThrowIfCancellationRequested();
            int next = SquarePattern.Side(o.Norm, SquarePattern.P(i, o.PInit), h, w);
            if (next != side && o.Norm == AttackNorm.L2)
                eta.Slice(0, next * next).CopyFromHost([.. SquarePattern.Eta(next).Select(v => (float)v)]);
            side = next;
            draws.Slice(0, (long)B * s.Samples * SquareProposal.Draws).CopyFromHost(Draws(o, seeds, B, m, h, w, side, first, rows.Rows, i + 1, Key));
            ak.SquareProposal(s, new Kernels.Attacks.SquareSpec((int)o.Norm, side, h, w, box.Has, box.Lo, box.Hi), clean.View, uBest.View, ws.U.View,
                radiusBuffer.View, net.Center.View, draws.View, eta.View, broken.View);
            ws.Logits(s);
            ak.SquareAccept(s, false, ws.F.View, ws.Ym.View, ws.U.View, uBest.View, best.View, broken.View);
            if (!rows.Compacted)
                ak.SpreadBroken(s, m, broken.View);
            if ((i + 1) % CheckEvery != 0)
                continue;
            if (found is not null)
            {
                // examples: every row stays where it is (its best point is its example); stop once all are broken
                if (ActiveRows.Download<int>(broken.View, (long)B * M).All(x => x != 0))
                    break;
                continue;
            }
            int kept = rows.Check(broken, uBest.View, clean.View, ws.Ym.View, radiusBuffer.View, u0, ym, radius, Keep, (best.View, 1));
            if (kept == 0)
                break;
            s = s.WithSamples(kept);
        }
        var flags = rows.Collect(ActiveRows.Download<int>(broken.View, (long)B * s.Samples));
        AttackRows.Scatter(flags, R, first, m, robust);
        if (found is not null)
            AttackRows.CollectExamples(ActiveRows.Download<float>(uBest.View, u0.LongLength), flags, before, centers, R, first, m, D, found);
    }

    // the draws [B, rows, 6] of iteration `step` for the current rows (original row r·m + i ↦ point first + i); shared
    // (AutoAttack's): the windows and coin of point −1 for every point (and its sign for l∞), corners in [0, side − s)
    internal static int[] Draws(SquareOptions o, long[] seeds, int B, int m, int h, int w, int side, int first, int[] rows, int step,
        Func<int, int, int, int, long> key)
    {
        var perPoint = new int[B * m * SquareProposal.Draws];
        int last = o.SharedDraws ? 0 : 1;
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < m; i++)
            {
                int o0 = (b * m + i) * SquareProposal.Draws, own = first + i, window = o.SharedDraws ? -1 : own;
                double U(int point, int slot) => CounterRandom.Uniform(seeds[b], RandomPurpose.SquareDraws, key(b, point, step, slot));
                perPoint[o0] = (int)(U(window, 0) * (h - side + last));
                perPoint[o0 + 1] = (int)(U(window, 1) * (w - side + last));
                perPoint[o0 + 2] = (int)(U(window, 2) * (h - side + last));
                perPoint[o0 + 3] = (int)(U(window, 3) * (w - side + last));
                perPoint[o0 + 4] = U(window, 4) > 0.5 ? 1 : 0;
                perPoint[o0 + 5] = U(o.Norm == AttackNorm.Linf ? window : own, 5) > 0.5 ? 1 : 0;
            }
        }
        var all = new int[(long)B * rows.Length * SquareProposal.Draws];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < rows.Length; j++)
                Array.Copy(perPoint, (b * m + rows[j] % m) * SquareProposal.Draws, all, ((long)b * rows.Length + j) * SquareProposal.Draws, SquareProposal.Draws);
        }
        return all;
    }
}
