using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Random;
using GpuPRelu.Training;

namespace GpuPRelu.Analysis;

/// <summary>Distance of trained binary networks to the ideal classifiers (docs/design.md §1, paper Fig. 2a): for every network b
/// and ideal G (F, or F^(p) with b's p, built on b's centers), c_b = E[f·G]/E[f²] over fresh samples of b's data, then
/// max over ‖x‖ = 1 of |c_b·f(x) − G(x)| by normalized gradient ascent from uniform starts. All networks and all starts
/// of a chunk move together: per step two forward passes, two input gradients and one SphereAscentStep launch.</summary>
public static class DistanceEstimate
{
    // floats per [B, M, H] workspace buffer: bounds the starts per chunk (four such buffers per workspace)
    private const long ChunkCells = 1L << 25;

    /// <summary>One row per network and ideal. mu[b] are network b's subclass centers ([K, D] row-major) with K1 positive.
    /// Diverged networks (non-finite output) report NaN.</summary>
    public static IReadOnlyList<DistanceRow> Run(NetworkBatch net, IReadOnlyList<double[]> mu, int subclasses,
        int positiveSubclasses, DistanceOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        if (net.Shape.Outputs != 1)
            throw new ArgumentException($"the distance to F and F^(p) is defined for binary networks (1 output); these have {net.Shape.Outputs}", nameof(net));
        if (mu.Count != net.Shape.Networks || mu.Any(m => m.Length != subclasses * net.Shape.Inputs))
            throw new ArgumentException($"need one [K {subclasses}, D {net.Shape.Inputs}] center set per network ({net.Shape.Networks})", nameof(mu));
        var rows = new List<DistanceRow>();
        foreach (var kind in options.Ideals)
        {
            var infos = net.Networks.Select(n => n with { P = kind == IdealKind.F ? 1 : n.P }).ToList();
            var (shape, theta) = IdealClassifier.Parameters(kind, net.Shape.Inputs, subclasses, positiveSubclasses, mu);
            using var ideal = new NetworkBatch(net.Device, shape, infos, theta, new float[shape.Networks * shape.Inputs]);
            var scale = Scale(net, ideal, mu, subclasses, positiveSubclasses, options.ScaleSamples);
            var distance = Ascend(net, ideal, scale, options, cancel);
            for (int b = 0; b < net.Shape.Networks; b++)
            {
                var n = net.Networks[b];
                rows.Add(new DistanceRow(n.Index, n.P, n.Alpha, n.Seed, kind == IdealKind.F ? "F" : "Fp", infos[b].P, scale[b],
                    double.IsFinite(scale[b]) ? distance[b] : double.NaN));
            }
        }
        return rows;
    }

    /// <summary>c_b = Σ f·G / Σ f² over fresh samples of each network's (α, seed) mixture, accumulated in float64.</summary>
    private static double[] Scale(NetworkBatch net, NetworkBatch ideal, IReadOnlyList<double[]> mu, int subclasses,
        int positiveSubclasses, int samples)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs;
        var sets = net.Networks.GroupBy(n => n.DataSet).OrderBy(g => g.Key).Select(g => g.First()).ToList();
        if (sets.Select((n, k) => n.DataSet != k).Any(x => x))
            throw new ArgumentException("network data-set indices must be 0..S−1", nameof(net));
        var fresh = sets.Select(n => SubclassData.Generate(mu[n.Index], D, subclasses, positiveSubclasses, n.Alpha, samples,
            n.Seed, RandomPurpose.ScaleSubclass, RandomPurpose.ScaleNoise)).ToList();
        using var data = new DeviceData(net.Device, fresh, [.. net.Networks.Select(n => n.DataSet)]);
        int chunk = Math.Min(samples, 1024);
        using var wsF = new Workspace(net, chunk);
        using var wsG = new Workspace(ideal, chunk);
        wsF.ColumnNorms();
        wsG.ColumnNorms();
        double[] fg = new double[B], ff = new double[B];
        for (int offset = 0; offset < samples; offset += chunk)
        {
            int rows = Math.Min(chunk, samples - offset);
            wsF.Forward(data, data.Identity.View, offset, rows, LossKind.Exp, 1f);
            wsG.Forward(data, data.Identity.View, offset, rows, LossKind.Exp, 1f);
            var f = wsF.F.Slice(0, (long)B * rows).ToHost();
            var g = wsG.F.Slice(0, (long)B * rows).ToHost();
            for (int i = 0; i < f.Length; i++)
            {
                fg[i / rows] += (double)f[i] * g[i];
                ff[i / rows] += (double)f[i] * f[i];
            }
        }
        return [.. Enumerable.Range(0, B).Select(b => ff[b] > 0 ? fg[b] / ff[b] : double.IsFinite(ff[b]) ? 0 : double.NaN)];
    }

    /// <summary>The largest |c_b·f − G| over every start, step and repeat, per network.</summary>
    private static double[] Ascend(NetworkBatch net, NetworkBatch ideal, double[] scale, DistanceOptions o, CancellationToken cancel)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs;
        long perStart = (long)B * Math.Max(Math.Max(net.Shape.Hidden, ideal.Shape.Hidden), D);
        int chunk = (int)Math.Clamp(ChunkCells / perStart, 1, o.Starts);
        var dev = net.Device;
        using var wsF = new Workspace(net, chunk);
        using var wsG = new Workspace(ideal, chunk);
        using var df = dev.Allocate<float>((long)B * chunk * D);
        using var dg = dev.Allocate<float>((long)B * chunk * D);
        using var best = dev.Allocate<float>((long)B * chunk);
        using var scaleBuffer = dev.Allocate([.. scale.Select(c => double.IsFinite(c) ? (float)c : 0f)]);
        // ∂loss/∂f = 1 on every row (any prefix of the buffer): InputGradient then gives ∇f and ∇G
        var ones = Enumerable.Repeat(1f, B * chunk).ToArray();
        wsF.G.CopyFromHost(ones);
        wsG.G.CopyFromHost(ones);
        wsF.ColumnNorms();
        wsG.ColumnNorms();
        var centers = net.CentersToHost();
        var result = new double[B];
        for (int repeat = 0; repeat < o.Repeats; repeat++)
        {
            for (int first = 0; first < o.Starts; first += chunk)
            {
                int m = Math.Min(chunk, o.Starts - first);
                var s = net.Shape.WithSamples(m);
                var sG = ideal.Shape.WithSamples(m);
                var (x, u) = Starts(net, centers, repeat, first, m, o.Starts);
                wsG.U.Slice(0, x.Length).CopyFromHost(x);
                wsF.U.Slice(0, u.Length).CopyFromHost(u);
                best.Clear();
                var k = net.Device.Kernels;
                // the same ascent on every network's rows at once (launches over the batch), or on each network's on one
                // core with stationary starts dropped (the managed CPU path with whole networks for every core)
                if (k.RunsAscentSteps(s))
                {
                    k.EachNetworkAscent(s, sG, Side(net, wsF, df), Side(ideal, wsG, dg), scaleBuffer.View, net.Center.View, best.View,
                        rows => Climb(rows, o, cancel));
                }
                else
                {
                    Climb(new BatchRows(k, s, sG, wsF, wsG, df, dg, scaleBuffer, net.Center, best), o, cancel);
                }
                cancel.ThrowIfCancellationRequested();
                var found = best.Slice(0, (long)B * m).ToHost();
                for (int b = 0; b < B; b++)
                {
                    for (int i = 0; i < m; i++)
                        result[b] = Math.Max(result[b], float.IsFinite(found[b * m + i]) ? found[b * m + i] : double.NaN);
                }
            }
        }
        return result;
    }

    /// <summary>The ascent of one chunk's starts (docs/design.md §1): `Steps` moves of `StepSize` along the normalized
    /// gradient of |c·f − G|, each projected back onto the sphere, then one last evaluation; every start's best |c·f − G|
    /// over all of them. Stops between steps when `cancel` is set (the caller throws).</summary>
    private static void Climb(Devices.IAscentRows rows, DistanceOptions o, CancellationToken cancel)
    {
        for (int step = 0; step <= o.Steps && rows.Active > 0 && !cancel.IsCancellationRequested; step++)
        {
            bool move = step < o.Steps;
            rows.Logits();
            if (move)
                rows.InputGradients();
            rows.Step(move ? (float)o.StepSize : 0f);
        }
    }

    /// <summary>Every network's starts of a chunk at once, by launches over the batch (no start leaves).</summary>
    private sealed class BatchRows(Devices.KernelLaunchers k, Kernels.BatchShape s, Kernels.BatchShape sG, Workspace wsF, Workspace wsG, Devices.DeviceBuffer<float> df,
        Devices.DeviceBuffer<float> dg, Devices.DeviceBuffer<float> scale, Devices.DeviceBuffer<float> center, Devices.DeviceBuffer<float> best)
        : Devices.IAscentRows
    {
        public int Active => s.Samples;

        public void Logits()
        {
            wsF.Logits(s);
            wsG.Logits(sG);
        }

        public void InputGradients()
        {
            wsF.InputGradient(s, df.View);
            wsG.InputGradient(sG, dg.View);
        }

        public void Step(float step) => k.SphereAscent(s, step, wsG.U.View, wsF.F.View, wsG.F.View, df.View, dg.View,
            scale.View, center.View, wsF.U.View, best.View);
    }

    private static Devices.AscentSide Side(NetworkBatch net, Workspace ws, Devices.DeviceBuffer<float> du) =>
        new(net.Theta.View, net.P.View, ws.R.View, ws.U.View, ws.Q.View, ws.Z.View, ws.A.View, ws.Gz.View, ws.T.View, ws.F.View, du.View);

    /// <summary>Starts first..first+m of one repeat, uniform on the unit sphere (normalized Gaussians keyed by each
    /// network's seed, so networks of one seed start alike): x [B, m, D] and the network inputs u = x − center.</summary>
    private static (float[] X, float[] U) Starts(NetworkBatch net, float[] centers, int repeat, int first, int m, int starts)
    {
        int B = net.Shape.Networks, D = net.Shape.Inputs;
        var x = new float[(long)B * m * D];
        var u = new float[x.Length];
        Parallel.For(0, B * m, row =>
        {
            int b = row / m, i = first + row % m;
            long key = ((long)repeat * starts + i) * D;
            var g = new double[D];
            double norm = 0;
            for (int d = 0; d < D; d++)
            {
                g[d] = CounterRandom.Normal(net.Networks[b].Seed, RandomPurpose.SpherePoints, key + d);
                norm += g[d] * g[d];
            }
            norm = Math.Sqrt(norm);
            for (int d = 0; d < D; d++)
            {
                x[(long)row * D + d] = (float)(g[d] / norm);
                u[(long)row * D + d] = x[(long)row * D + d] - centers[b * D + d];
            }
        });
        return (x, u);
    }
}
