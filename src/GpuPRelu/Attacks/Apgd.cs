using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Models;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>Batched APGD-CE / APGD-DLR / APGD-T, l∞ and l2 (docs/attacks.md §2, §9.2) and l1 in a box (§3, one run per
/// restart; not AutoAttack's 3ε-2ε-ε schedule of its standard l1): every network × radius × point in one launch
/// sequence per iteration, all per-row state on the device. A point is non-robust when misclassified clean, at its start or
/// at any iterate of any restart; broken rows stop, are not restarted, and count as broken at every larger radius.
/// Random starts depend on (seed, restart, network, point) only, so they are the same at every radius and in any chunking.</summary>
public static class Apgd
{
    // iterations between compactions, and the share of rows that must be gone for one (as Pgd)
    private const int CheckEvery = 5;
    private const double Keep = 0.75;
    // APGD-T draws its starts from these restart indices on
    private const int TargetedStarts = 1000;

    /// <summary>robust[b][r][i]: point i of network b's set survives radius radii[r] (radii ascending). Rows broken in
    /// every network are dropped every CheckEvery iterations with their state (`compact`; the verdicts are the same without).</summary>
    public static bool[][][] Run(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, ApgdOptions options,
        int maxRowsPerChunk = 1 << 16, bool compact = true) => Run(net, points, radii, options, null, false, maxRowsPerChunk, null, compact).Robust;

    /// <summary>As Run, on the points robustBefore[b][r][i] leaves robust (null: all; the others count as broken and are not
    /// attacked: an ensemble's later attacks), keeping with `examples` the adversarial example of each point at the smallest
    /// radius this attack broke it (rows are then not compacted, so every broken row keeps the iterate it broke at).</summary>
    public static AttackOutcome RunOn(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, ApgdOptions options,
        bool[][][]? robustBefore, bool examples, int maxRowsPerChunk = 1 << 16) =>
        Run(net, points, radii, options, robustBefore, examples, maxRowsPerChunk, null, compact: !examples);

    /// <summary>As Run; `trace` receives the rows u [B, M, D] (centered) after the start (iteration −1) and after every
    /// iteration of every restart (tests follow the trajectory step by step; no compaction then).</summary>
    internal static bool[][][] Run(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, ApgdOptions options,
        int maxRowsPerChunk, Action<int, int, float[]>? trace, bool compact = false) =>
        Run(net, points, radii, options, null, false, maxRowsPerChunk, trace, compact).Robust;

    private static AttackOutcome Run(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, ApgdOptions options,
        bool[][][]? before, bool examples, int maxRowsPerChunk, Action<int, int, float[]>? trace, bool compact)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(Math.Max(2, net.Shape.Outputs));
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        AttackRows.Check(net, points, radii);
        if (trace is null && AttackRows.PerNetwork(net))
            return AttackRows.EachNetwork(net, points, before, (one, set, b) => Run(one, set, radii, options, b, examples, maxRowsPerChunk, null, compact));
        int B = net.Shape.Networks, R = radii.Count, n = points[0].Samples;
        var robust = AttackRows.Allocate(B, R, n);
        var found = examples ? Enumerable.Range(0, B).Select(_ => new float[]?[n]).ToArray() : null;
        // beside the Workspace: clean rows, ∂loss/∂u, previous and best iterate and gradient (D each), state, radius, flag, target
        int chunk = AttackRows.ChunkSize(net, n, R, maxRowsPerChunk, 5L * net.Shape.Inputs + ApgdState.Width + 3, "apgd");
        var centers = net.CentersToHost();
        for (int first = 0; first < n; first += chunk)
        {
            var rows = new ChunkRows(first, Math.Min(chunk, n - first), before, found);
            RunChunk(net, points, radii, options, centers, rows, robust, trace, compact && trace is null);
        }
        AttackRows.MakeMonotone(robust);
        return new AttackOutcome(robust, found);
    }

    // a chunk of m points from `first`; `Before` and `Found` as in RunOn
    private sealed record ChunkRows(int First, int Points, bool[][][]? Before, float[]?[][]? Found);

    private static void RunChunk(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, ApgdOptions o,
        float[] centers, ChunkRows chunk, bool[][][] robust, Action<int, int, float[]>? trace, bool compact)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs, C = net.Shape.Outputs, R = radii.Count, first = chunk.First, m = chunk.Points, M = R * m;
        var dev = net.Device;
        var k = net.Device.Kernels;
        var ak = net.Device.AttackKernels;
        var s = net.Shape.WithSamples(M);
        var (u0, ym, radius) = AttackRows.Build(B, D, points, radii, centers, first, m);
        using var ws = new Workspace(net, M);
        using var clean = dev.Allocate(u0);
        using var du = dev.Allocate<float>(u0.Length);
        using var uPrev = dev.Allocate<float>(u0.Length);
        using var uBest = dev.Allocate<float>(u0.Length);
        using var duBest = dev.Allocate<float>(u0.Length);
        using var state = dev.Allocate<float>((long)B * M * ApgdState.Width);
        using var radiusBuffer = dev.Allocate(radius);
        using var broken = dev.Allocate(AttackRows.BrokenBefore(chunk.Before, B, R, first, m));
        using var target = dev.Allocate<int>(B * M);
        target.Clear();
        ws.Ym.CopyFromHost(ym);
        ws.ColumnNorms();
        var box = (Has: o.BoxLo is not null ? 1 : 0, Lo: (float)(o.BoxLo ?? 0), Hi: (float)(o.BoxHi ?? 0));
        var checkpoints = o.Checkpoints().ToDictionary(c => c.Iteration, c => c.Window);
        bool l1 = o.Norm == AttackNorm.L1;

        // clean points: misclassified ones are broken at every radius and never attacked
        ws.U.CopyFromHost(u0);
        Evaluate(net, ws, s, o.Loss, target.View, du.View);
        k.MarkBroken(ws.Correct.Slice(0, (long)B * M), broken.View);
        ak.SpreadBroken(s, m, broken.View);
        // APGD-T ranks its targets by the clean logits (the same at every radius)
        var cleanLogits = o.Loss == ApgdLoss.TargetedDlr ? ActiveRows.Download<float>(ws.F.View, (long)B * M * C) : null;
        int[] targets = [];
        var rows = new ActiveRows(B, R, m, D);
        bool done = false;
        // APGD-T: for each target, Restarts runs; the others: Restarts runs (each from its own random start)
        int runs = o.TargetCount(Math.Max(2, C)) * o.Restarts;
        for (int run = 0; run < runs && !done; run++)
        {
            if (run > 0 && ActiveRows.Download<int>(broken.View, (long)B * s.Samples).All(x => x != 0))
                break;
            if (cleanLogits is not null && run % o.Restarts == 0)
            {
                targets = ApgdTargets.OfRank(cleanLogits, C, 2 + run / o.Restarts);
                UploadTargets();
            }
            // APGD-T's starts are independent of APGD-CE's (AutoAttack reseeds every attack, so its APGD-T repeats the first start)
            var start = Start(o, u0, radius, centers, [.. net.Networks.Select(x => x.Seed)], m, D, first, o.Loss == ApgdLoss.TargetedDlr ? TargetedStarts + run : run);
            start = rows.Compacted ? ActiveRows.Gather(start, rows.Rows, M, D) : start;
            // a broken row keeps the iterate it broke at (the example; rows are not compacted when examples are kept)
            if (chunk.Found is not null)
                AttackRows.KeepBroken(start, ActiveRows.Download<float>(ws.U.View, start.LongLength), ActiveRows.Download<int>(broken.View, (long)B * M), D);
            ws.U.Slice(0, (long)B * s.Samples * D).CopyFromHost(start);
            Evaluate(net, ws, s, o.Loss, target.View, du.View);
            ak.ApgdUpdate(s, true, l1 ? 1f : 2f, ws.Loss.View, ws.Correct.View, ws.U.View, du.View, uPrev.View, uBest.View, duBest.View, state.View,
                radiusBuffer.View, broken.View);
            Spread();
            trace?.Invoke(run, -1, ws.U.ToHost());
            for (int i = 0; i < o.Iterations && !done; i++)
            {
                o.Cancel.ThrowIfCancellationRequested();
                if (l1)
                    ak.ApgdL1Step(s, new L1Box(box.Has, box.Lo, box.Hi), clean.View, ws.U.View, du.View, state.View, radiusBuffer.View, net.Center.View, broken.View);
                else
                {
                    var spec = new ApgdSpec((int)o.Norm, i > 0 ? 0.75f : 1f, box.Has, box.Lo, box.Hi);
                    ak.ApgdStep(s, spec, clean.View, ws.U.View, uPrev.View, du.View, state.View, radiusBuffer.View, net.Center.View, broken.View);
                }
                Evaluate(net, ws, s, o.Loss, target.View, du.View);
                ak.ApgdUpdate(s, false, 0f, ws.Loss.View, ws.Correct.View, ws.U.View, du.View, uPrev.View, uBest.View, duBest.View, state.View,
                    radiusBuffer.View, broken.View);
                Spread();
                if (checkpoints.TryGetValue(i, out int window) && l1)
                    ak.ApgdL1Checkpoint(s, clean.View, ws.U.View, du.View, uBest.View, duBest.View, state.View, radiusBuffer.View, broken.View);
                else if (checkpoints.TryGetValue(i, out window))
                    ak.ApgdCheckpoint(s, (float)(o.Rho * window), ws.U.View, du.View, uBest.View, duBest.View, state.View, broken.View);
                trace?.Invoke(run, i, ws.U.ToHost());
                if (compact && (i + 1) % CheckEvery == 0)
                {
                    // rows are independent (AA sums the losses), so dropping broken ones with their state changes no verdict
                    int kept = rows.Check(broken, ws.U.View, clean.View, ws.Ym.View, radiusBuffer.View, u0, ym, radius, Keep,
                        (du.View, D), (uPrev.View, D), (uBest.View, D), (duBest.View, D), (state.View, ApgdState.Width));
                    done = kept == 0;
                    if (!done)
                    {
                        s = s.WithSamples(kept);
                        UploadTargets();
                    }
                }
            }
        }
        var flags = rows.Collect(ActiveRows.Download<int>(broken.View, (long)B * s.Samples));
        AttackRows.Scatter(flags, R, first, m, robust);
        if (chunk.Found is not null)
            AttackRows.CollectExamples(ActiveRows.Download<float>(ws.U.View, u0.LongLength), flags, chunk.Before, centers, R, first, m, D, chunk.Found);

        // a point broken at a radius is broken at the larger ones (the kernel needs the radius-major layout; after a
        // compaction the host spreads at each check)
        void Spread()
        {
            if (!rows.Compacted)
                ak.SpreadBroken(s, m, broken.View);
        }

        // the targets of the current (compact) rows
        void UploadTargets()
        {
            if (targets.Length > 0)
                target.Slice(0, (long)B * s.Samples).CopyFromHost(rows.Compacted ? ActiveRows.Gather(targets, rows.Rows, M, 1) : targets);
        }
    }

    // logits, the attack's loss and correctness, and ∂loss/∂u of every row (AA sums the losses: scale 1)
    private static void Evaluate(NetworkBatch net, Workspace ws, Kernels.BatchShape s, ApgdLoss loss, DeviceView<int> target, DeviceView<float> du)
    {
        ws.Logits(s);
        if (loss == ApgdLoss.TargetedDlr)
            net.Device.AttackKernels.TargetedDlrLoss(s, ws.F.View, ws.Ym.View, target, ws.G.View, ws.Loss.View, ws.Correct.View);
        else if (loss == ApgdLoss.Dlr)
            net.Device.AttackKernels.DlrLoss(s, ws.F.View, ws.Ym.View, ws.G.View, ws.Loss.View, ws.Correct.View);
        else
        {
            // one output: the two-logit cross-entropy of [0, f] is the logistic loss
            var kind = s.Outputs == 1 ? LossKind.Logistic : LossKind.CrossEntropy;
            net.Device.Kernels.Loss(s, new LossSpec((int)kind, 1f), ws.F.View, ws.Ym.View, ws.G.View, ws.Loss.View, ws.Correct.View);
        }
        ws.InputGradient(s, du);
    }

    /// <summary>Start rows (docs/attacks.md §2.2 step 1): l∞ u0 + ε·t/(‖t‖∞ + 1e-12), t uniform in [−1, 1)^D; l2
    /// u0 + ε·t/(‖t‖₂ + 1e-12), t standard normal; then the box. Without RandomStart, the clean rows.</summary>
    private static float[] Start(ApgdOptions o, float[] u0, float[] radius, float[] centers, int[] seeds, int m, int D, int first, int restart)
    {
        if (!o.RandomStart)
            return (float[])u0.Clone();
        if (o.Norm == AttackNorm.L1)
            return L1Start(o, u0, radius, centers, seeds, m, D, first, restart);
        (double, double)? box = o.BoxLo is { } lo ? (lo, o.BoxHi!.Value) : null;
        return AttackRows.Start(u0, radius, centers, box, seeds.Length, m, D, first, (b, point) =>
        {
            long key = AttackRows.StartKey(restart, point) * D, seed = AttackRows.StartSeed(o.Seed, seeds[b]);
            var t = new double[D];
            for (int d = 0; d < D; d++)
            {
                t[d] = o.Norm == AttackNorm.L2
                    ? CounterRandom.Normal(seed, RandomPurpose.AttackStart, key + d)
                    : 2 * CounterRandom.Uniform(seed, RandomPurpose.AttackStart, key + d) - 1;
            }
            double norm = (o.Norm == AttackNorm.L2 ? Math.Sqrt(t.Sum(v => v * v)) : t.Max(Math.Abs)) + 1e-12;
            return [.. t.Select(v => v / norm)];
        });
    }

    /// <summary>l1 start (docs/attacks.md §3): u0 + Π(t), t standard normal, Π onto the row's l1 ball ∩ box.</summary>
    private static float[] L1Start(ApgdOptions o, float[] u0, float[] radius, float[] centers, int[] seeds, int m, int D, int first, int restart)
    {
        int B = seeds.Length;
        var u = (float[])u0.Clone();
        int M = radius.Length;
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < m; i++)
            {
                long key = AttackRows.StartKey(restart, first + i) * D, seed = AttackRows.StartSeed(o.Seed, seeds[b]);
                var t = Enumerable.Range(0, D).Select(d => CounterRandom.Normal(seed, RandomPurpose.AttackStart, key + d)).ToArray();
                for (int r = 0; r < M / m; r++)
                {
                    long row = (long)b * M + r * m + i;
                    var x0 = Enumerable.Range(0, D).Select(d => (double)u0[row * D + d] + centers[b * D + d]).ToArray();
                    var delta = L1Projection.Project(t, x0, o.BoxLo!.Value, o.BoxHi!.Value, radius[r * m + i]);
                    for (int d = 0; d < D; d++)
                        u[row * D + d] = (float)(u0[row * D + d] + delta[d]);
                }
            }
        }
        return u;
    }
}
