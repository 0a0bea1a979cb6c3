using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Models;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>Batched FAB-T, l∞, l2 and l1 in a box (docs/attacks.md §9.3; AutoAttack's targeted FABAttack): minimal-norm
/// and free of ε, so a row is a (network, point), not a radius. For each target (the classes ranked 2, 3, … by the clean
/// logits) and restart, 2 forward passes and 1 backward pass per iteration: linearize q = f_t − f_y, step towards the
/// projections of the iterate and of the clean point onto its zero plane, and where the iterate is misclassified keep
/// its norm if smallest so far and step back towards the clean point. A point is broken at ε when the smallest norm found
/// over all targets is ≤ ε. Every clean-correct point is attacked unless the attacks before broke it at every radius, so
/// the norms are minimal-norm upper bounds on the radii (min_radius.csv). One output: q = −y·f, the single target.</summary>
public static class Fab
{
    // FAB's restart starts draw from these restart indices on (independent of APGD's)
    private const int FabStarts = 2000;

    /// <summary>robust[b][r][i] and, per point, the smallest norm found (Norms), after running on the points robustBefore
    /// leaves robust at the smallest radius (null: all); examples: the minimal example of each point FAB broke.</summary>
    public static AttackOutcome RunOn(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, FabOptions options,
        bool[][][]? robustBefore, bool examples, int maxRowsPerChunk = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(Math.Max(2, net.Shape.Outputs));
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        AttackRows.Check(net, points, radii);
        int B = net.Shape.Networks, R = radii.Count, n = points[0].Samples, D = net.Shape.Inputs;
        var norms = Enumerable.Range(0, B).Select(_ => new double[n]).ToArray();
        var bestPoints = Enumerable.Range(0, B).Select(_ => new float[]?[n]).ToArray();
        // beside the Workspace: clean rows, ∇q, best points (D each), best norm, flag, target
        int chunk = AttackRows.ChunkSize(net, n, 1, maxRowsPerChunk, 3L * D + 3, "fab-t");
        var centers = net.CentersToHost();
        for (int first = 0; first < n; first += chunk)
            RunChunk(net, points, options, centers, first, Math.Min(chunk, n - first), robustBefore, norms, bestPoints);
        var robust = AttackRows.Allocate(B, R, n);
        var found = examples ? Enumerable.Range(0, B).Select(_ => new float[]?[n]).ToArray() : null;
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < n; i++)
            {
                bool any = false;
                for (int r = 0; r < R; r++)
                {
                    bool before = robustBefore is null || robustBefore[b][r][i];
                    robust[b][r][i] = before && !(norms[b][i] <= radii[r]);
                    any |= before && !robust[b][r][i] && norms[b][i] > 0;
                }
                if (found is not null && any)
                    found[b][i] = bestPoints[b][i];
            }
        }
        return new AttackOutcome(robust, found, norms);
    }

    private static void RunChunk(NetworkBatch net, IReadOnlyList<DataSet> points, FabOptions o, float[] centers, int first, int m,
        bool[][][]? before, double[][] norms, float[]?[][] bestPoints)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs, C = net.Shape.Outputs;
        var dev = net.Device;
        var ak = net.Device.AttackKernels;
        var s = net.Shape.WithSamples(m);
        var (u0, ym, _) = AttackRows.Build(B, D, points, [0.0], centers, first, m);
        using var ws = new Workspace(net, m);
        using var clean = dev.Allocate(u0);
        using var du = dev.Allocate<float>(u0.Length);
        using var uBest = dev.Allocate(u0);
        using var best = dev.Allocate(Enumerable.Repeat(float.PositiveInfinity, B * m).ToArray());
        using var active = dev.Allocate<int>(B * m);
        using var target = dev.Allocate<int>(B * m);
        target.Clear();
        ws.Ym.CopyFromHost(ym);
        ws.ColumnNorms();
        var spec = new FabSpec((int)o.Norm, (float)o.Eta, (float)o.AlphaMax, o.BoxLo is not null ? 1 : 0, (float)(o.BoxLo ?? 0), (float)(o.BoxHi ?? 0));

        // clean points: misclassified ones (norm 0) and those the attacks before broke at every radius are not attacked
        ws.U.CopyFromHost(u0);
        Margin(net, ws, s, target.View);
        var correct = ActiveRows.Download<float>(ws.Correct.View, (long)B * m);
        var cleanLogits = ActiveRows.Download<float>(ws.F.View, (long)B * m * C);
        var flags = new int[B * m];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < m; i++)
                flags[b * m + i] = correct[b * m + i] != 0f && (before is null || before[b][0][first + i]) ? 1 : 0;
        }
        active.CopyFromHost(flags);
        int runs = o.TargetCount(Math.Max(2, C)) * o.Restarts;
        for (int run = 0; run < runs && flags.Any(f => f != 0); run++)
        {
            if (run % o.Restarts == 0)
                target.CopyFromHost(ApgdTargets.OfRank(cleanLogits, C, 2 + run / o.Restarts));
            ws.U.CopyFromHost(run % o.Restarts == 0 ? u0 : Start(o, u0, centers, [.. net.Networks.Select(x => x.Seed)], m, D, first, run));
            for (int i = 0; i < o.Iterations; i++)
            {
                o.Cancel.ThrowIfCancellationRequested();
                if (o.StopAt is { } stop && i % StopCheckEvery == 0 && Stop(best, active, flags, stop) && !flags.Any(f => f != 0))
                    break;
                Margin(net, ws, s, target.View);
                ws.InputGradient(s, du.View);
                ak.FabStep(s, spec, clean.View, ws.U.View, du.View, ws.Loss.View, net.Center.View, active.View);
                Margin(net, ws, s, target.View);
                ak.FabAccept(s, (int)o.Norm, (float)o.Beta, ws.Correct.View, clean.View, ws.U.View, uBest.View, best.View, active.View);
            }
        }
        var found = best.ToHost();
        var x = uBest.ToHost();
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < m; i++)
            {
                int row = b * m + i;
                norms[b][first + i] = correct[row] == 0f ? 0 : found[row];
                if (!float.IsPositiveInfinity(found[row]) && correct[row] != 0f)
                    bestPoints[b][first + i] = [.. Enumerable.Range(0, D).Select(d => x[(long)row * D + d] + centers[b * D + d])];
            }
        }
    }

    // iterations between checks for points whose best norm has reached FabOptions.StopAt
    private const int StopCheckEvery = 10;

    /// <summary>Deactivates the active rows whose best norm is ≤ stop (their verdicts are final); true when any was.</summary>
    private static bool Stop(DeviceBuffer<float> best, DeviceBuffer<int> active, int[] flags, double stop)
    {
        var norms = best.ToHost();
        bool any = false;
        for (int row = 0; row < flags.Length; row++)
        {
            // as RunOn compares a norm with the radii: in double
            if (flags[row] != 0 && (double)norms[row] <= stop)
            {
                flags[row] = 0;
                any = true;
            }
        }
        if (any)
            active.CopyFromHost(flags);
        return any;
    }

    // logits, q = f_t − f_y with its logit gradient, and untargeted correctness of every row
    private static void Margin(NetworkBatch net, Workspace ws, Kernels.BatchShape s, DeviceView<int> target)
    {
        ws.Logits(s);
        net.Device.AttackKernels.FabMargin(s, ws.F.View, ws.Ym.View, target, ws.G.View, ws.Loss.View, ws.Correct.View);
    }

    /// <summary>A restart's start (AutoAttack's FAB): u0 + (ε/2)·t/‖t‖, ε the start radius, t uniform in [−1, 1]^D (l∞) or
    /// standard normal (l2, l1), normalized in the attack's norm; then the box.</summary>
    private static float[] Start(FabOptions o, float[] u0, float[] centers, int[] seeds, int m, int D, int first, int run)
    {
        (double, double)? box = o.BoxLo is { } lo ? (lo, o.BoxHi!.Value) : null;
        var radius = Enumerable.Repeat((float)(o.StartRadius / 2), m).ToArray();
        return AttackRows.Start(u0, radius, centers, box, seeds.Length, m, D, first, (b, point) =>
        {
            long key = AttackRows.StartKey(FabStarts + run, point) * D, seed = AttackRows.StartSeed(o.Seed, seeds[b]);
            var t = new double[D];
            for (int d = 0; d < D; d++)
            {
                t[d] = o.Norm == AttackNorm.Linf
                    ? 2 * CounterRandom.Uniform(seed, RandomPurpose.AttackStart, key + d) - 1
                    : CounterRandom.Normal(seed, RandomPurpose.AttackStart, key + d);
            }
            double norm = o.Norm switch
            {
                AttackNorm.Linf => t.Max(Math.Abs),
                AttackNorm.L1 => t.Sum(Math.Abs),
                _ => Math.Sqrt(t.Sum(v => v * v)),
            };
            return [.. t.Select(v => v / Math.Max(norm, 1e-12))];
        });
    }
}
