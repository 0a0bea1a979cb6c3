using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Models;

namespace GpuPRelu.Attacks;

/// <summary>The row layout every batched attack shares: per network, M = R·m rows radius-major (row = r·m + i) for a chunk
/// of m points starting at `first`; points enter centered (u = x − center). Also the result: robust[b][r][i], made monotone
/// in the radius.</summary>
internal static class AttackRows
{
    /// <summary>Refuses point sets that do not fit the batch: one set per network, equal sizes, the networks' D.</summary>
    public static void Check(NetworkBatch net, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs;
        if (points.Count != B || points.Any(p => p.Inputs != D || p.Samples != points[0].Samples))
            throw new ArgumentException($"need {B} point sets of equal size with D {D}, one per network", nameof(points));
        if (radii.Count == 0 || radii.Any(r => !(r >= 0) || double.IsInfinity(r)) || radii.Zip(radii.Skip(1)).Any(q => q.Second <= q.First))
            throw new ArgumentException("radii must be a non-empty increasing list of finite values ≥ 0", nameof(radii));
    }

    /// <summary>Empty result arrays [B][R][n].</summary>
    /// <summary>Whether an attack runs each network of the batch alone: on the managed CPU path, where the products are
    /// per network anyway, so a network's rows drop as soon as it has broken them instead of when every network has (the
    /// row layout is shared by the batch). Rows are independent, so the verdicts are the same either way.</summary>
    public static bool PerNetwork(NetworkBatch net) => net.Device.Kind == DeviceKind.Cpu && net.Shape.Networks > 1;

    /// <summary>robust[b] of `run` on each network alone (its own one-network batch and point set).</summary>
    public static bool[][][] EachNetwork(NetworkBatch net, IReadOnlyList<DataSet> points, Func<NetworkBatch, DataSet[], bool[][][]> run) =>
        EachNetwork(net, points, null, (one, set, _) => new AttackOutcome(run(one, set), null)).Robust;

    /// <summary>An evaluation's attack on each network alone: `before` (null: every point) split by network, and the
    /// outcomes (verdicts, examples, norms) joined by network.</summary>
    public static AttackOutcome EachNetwork(NetworkBatch net, IReadOnlyList<DataSet> points, bool[][][]? before,
        Func<NetworkBatch, DataSet[], bool[][][]?, AttackOutcome> run)
    {
        var outcomes = new AttackOutcome[net.Shape.Networks];
        for (int b = 0; b < outcomes.Length; b++)
        {
            using var one = net.Subset([b]);
            outcomes[b] = run(one, [points[b]], before is null ? null : [before[b]]);
        }
        return new AttackOutcome([.. outcomes.Select(o => o.Robust[0])],
            outcomes.All(o => o.Examples is not null) ? [.. outcomes.Select(o => o.Examples![0])] : null,
            outcomes.All(o => o.Norms is not null) ? [.. outcomes.Select(o => o.Norms![0])] : null);
    }

    public static bool[][][] Allocate(int networks, int radii, int points) =>
        Enumerable.Range(0, networks).Select(_ => Enumerable.Range(0, radii).Select(_ => new bool[points]).ToArray()).ToArray();

    /// <summary>Points per chunk so that R·m rows stay within `maxRows` and, with `extraPerRow` floats per row beside the
    /// Workspace, within the device's memory budget (MemoryPlan; refuses when one point at every radius does not fit).</summary>
    public static int ChunkSize(NetworkBatch net, int points, int radii, int maxRows, long extraPerRow, string what)
    {
        int rows = MemoryPlan.Rows(net.Shape, net.Device.MemoryBudget, extraPerRow, Math.Max(radii, maxRows), radii, what);
        return Math.Max(1, Math.Min(points, Math.Min(rows, maxRows) / Math.Max(1, radii)));
    }

    /// <summary>Centered clean rows u0 [B, M, D], labels [B, M] and the radius of each row [M] for points first..first+m−1.</summary>
    public static (float[] U0, int[] Labels, float[] Radius) Build(int networks, int inputs, IReadOnlyList<DataSet> points,
        IReadOnlyList<double> radii, float[] centers, int first, int m)
    {
        int B = networks, D = inputs, R = radii.Count, M = R * m;
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
        return (u0, ym, radius);
    }

    /// <summary>Copies a chunk's broken flags [B, M] into robust[b][r][first + i].</summary>
    public static void Scatter(int[] broken, int radii, int first, int m, bool[][][] robust)
    {
        int M = radii * m;
        for (int b = 0; b < robust.Length; b++)
        {
            for (int r = 0; r < radii; r++)
            {
                for (int i = 0; i < m; i++)
                    robust[b][r][first + i] = broken[b * M + r * m + i] == 0;
            }
        }
    }

    /// <summary>Monotone in the radius: broken at r ⇒ broken at every r' &gt; r.</summary>
    public static void MakeMonotone(bool[][][] robust)
    {
        foreach (var perRadius in robust)
        {
            for (int r = 1; r < perRadius.Length; r++)
            {
                for (int i = 0; i < perRadius[r].Length; i++)
                    perRadius[r][i] &= perRadius[r - 1][i];
            }
        }
    }

    /// <summary>Start rows u = u0 + ε·δ(b, i) for every radius, then clipped into the box [lo, hi] on u + center (when
    /// `box` is set): `direction(b, point)` gives the unit-radius offset of network b's point (global index), so a start
    /// is the same at every radius and in any chunking.</summary>
    public static float[] Start(float[] u0, float[] radius, float[] centers, (double Lo, double Hi)? box, int networks, int m, int inputs,
        int first, Func<int, int, double[]> direction)
    {
        int D = inputs, M = radius.Length;
        var u = (float[])u0.Clone();
        for (int b = 0; b < networks; b++)
        {
            for (int i = 0; i < m; i++)
            {
                var t = direction(b, first + i);
                for (int r = 0; r < M / m; r++)
                {
                    long row = (long)b * M + r * m + i;
                    for (int d = 0; d < D; d++)
                    {
                        double x = u0[row * D + d] + radius[r * m + i] * t[d];
                        if (box is { } bx)
                            x = Math.Clamp(x + centers[b * D + d], bx.Lo, bx.Hi) - centers[b * D + d];
                        u[row * D + d] = (float)x;
                    }
                }
            }
        }
        return u;
    }

    /// <summary>The counter-random key of (restart, point) within a network's stream (StartSeed): starts are independent
    /// across them.</summary>
    public static long StartKey(int restart, int point) => ((long)restart << 24) + point;

    /// <summary>The counter-random seed of a network's attack starts: the attack's seed and the network's own, never its
    /// position in the batch, so a network gets the same starts in any batch (a sweep's shards and resumes rely on it).</summary>
    public static long StartSeed(int attackSeed, int networkSeed) => ((long)attackSeed << 32) | (uint)networkSeed;

    /// <summary>Broken flags [B, M] of a chunk before an attack: 1 where robustBefore (null: none) says broken.</summary>
    public static int[] BrokenBefore(bool[][][]? before, int networks, int radii, int first, int m)
    {
        var broken = new int[networks * radii * m];
        for (int b = 0; b < networks && before is not null; b++)
        {
            for (int r = 0; r < radii; r++)
            {
                for (int i = 0; i < m; i++)
                    broken[(b * radii + r) * m + i] = before[b][r][first + i] ? 0 : 1;
            }
        }
        return broken;
    }

    /// <summary>Rows broken so far keep their current iterate `u` in a restart's `start` (both [B, M, D]).</summary>
    public static void KeepBroken(float[] start, float[] u, int[] broken, int inputs)
    {
        for (long row = 0; row < broken.Length; row++)
        {
            if (broken[row] != 0)
                Array.Copy(u, row * inputs, start, row * inputs, inputs);
        }
    }

    /// <summary>found[b][first + i] = the input (u + center) of the row at the smallest radius that this attack broke
    /// (broken [B, M] now, robust in `before`): rows stop where they break, so u there is the adversarial example.</summary>
    public static void CollectExamples(float[] u, int[] broken, bool[][][]? before, float[] centers, int radii, int first, int m, int inputs,
        float[]?[][] found)
    {
        int M = radii * m, D = inputs;
        for (int b = 0; b < found.Length; b++)
        {
            for (int i = 0; i < m; i++)
            {
                int r = Enumerable.Range(0, radii).FirstOrDefault(r => broken[b * M + r * m + i] != 0 && (before is null || before[b][r][first + i]), -1);
                if (r < 0)
                    continue;
                long row = (long)b * M + r * m + i;
                found[b][first + i] = [.. Enumerable.Range(0, D).Select(d => u[row * D + d] + centers[b * D + d])];
            }
        }
    }
}
