using System.Diagnostics;
using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Bench;

/// <summary>`gpuprelu bench`: the device's measured FP32 peak (PeakProbe on a CPU, GpuPeak on a GPU), the batched matrix-product operations of
/// a step at each configuration's sizes, the configuration's training end to end and, on the trained networks, a short
/// batched l2 PGD and distance estimate; bench.csv and manifest.json.</summary>
public static class BenchExperiment
{
    public static IReadOnlyList<BenchRow> Run(IReadOnlyList<BenchConfig> configs, int calls, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(context);
        var (device, outDir, log) = (context.Device, context.OutDir, context.Log);
        return ExperimentRun.Execute<IReadOnlyList<BenchRow>>("bench", new { configs = configs.Select(c => c.Name), calls }, context, run =>
        {
            var rows = new List<BenchRow>();
            string dev = ComputeDevice.Name(device.Kind);
            var (peak, where) = Peak(device);
            rows.Add(new BenchRow("machine", dev, "fp32_fma_peak", where, 1, double.NaN, double.NaN, peak, "GFLOP/s", peak, 1));
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"measured FP32 FMA peak {peak:0.0} GFLOP/s ({where})"));
            run.EndPhase("peak");
            foreach (var config in configs)
            {
                rows.AddRange(Operations(config, device, dev, calls, peak, log));
                if (config.Train is { } train)
                    rows.AddRange(Trained(config, train, device, dev, peak, log));
                CsvOutput.Write(run.PathOf("bench.csv"), rows);
                run.EndPhase(config.Name);
            }
            return rows;
        });
    }

    /// <summary>The device's measured FP32 FMA peak in GFLOP/s and what it was measured on: a CPU's at its widest
    /// accelerated vector ("2 cores, Vector512"), a GPU's by FmaPeak on every multiprocessor.</summary>
    public static (double Gflops, string Where) Peak(ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Kind is not (DeviceKind.Cpu or DeviceKind.IlgpuCpu))
            return (GpuPeak.MeasureGflops(device), "FP32 cores");
        var (gflops, vector) = PeakProbe.Measure();
        return (gflops, $"{Environment.ProcessorCount} cores, {vector}");
    }

    private static IEnumerable<BenchRow> Operations(BenchConfig c, ComputeDevice device, string dev, int calls, double peak,
        Action<string>? log)
    {
        var shape = new BatchShape(c.Networks, 0, c.Inputs, c.Hidden, 1, 0, 0);
        var networks = Enumerable.Range(0, c.Networks).Select(b => new NetworkInfo(b, 1 + 2 * (b % 2), 0.1, b, 0)).ToList();
        var theta = NetworkBatch.Initialize(shape, networks, InitKind.Kaiming, 1);
        using var net = new NetworkBatch(device, shape, networks, theta, new float[c.Networks * c.Inputs]);
        using var ws = new Workspace(net, c.Rows);
        var s = shape.WithSamples(c.Rows);
        var u = new float[(long)c.Networks * c.Rows * c.Inputs];
        var rng = new System.Random(1);
        for (long i = 0; i < u.Length; i++)
            u[i] = (float)(rng.NextDouble() - 0.5);
        ws.U.CopyFromHost(u);
        ws.G.Clear();
        ws.ColumnNorms();
        double product = 2.0 * c.Networks * c.Rows * c.Inputs * c.Hidden; // flops of one U·W-sized product
        string dims = $"B {c.Networks} M {c.Rows} D {c.Inputs} H {c.Hidden}";
        // on a GPU the tiled kernels run, and the simple ones (their reference) are timed beside them
        var launchers = device.Tiled ? new[] { ("", device.Kernels), ("_simple", device.SimpleKernels()) } : [("", device.Kernels)];
        var ops = launchers.SelectMany(l => Ops(l.Item1, l.Item2, s, net, ws, c)).ToList();
        foreach (var (name, run) in ops)
        {
            var (seconds, mean) = Time(device, run, calls);
            double flops = name.StartsWith("hidden_backward", StringComparison.Ordinal) ? 0 : product;
            double gflops = flops / seconds / 1e9;
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} {name}: {seconds * 1e3:0.###} ms (mean {mean * 1e3:0.###}), {gflops:0.0} GFLOP/s"));
            yield return new BenchRow(c.Name, dev, name, dims, calls, seconds, mean, 1 / seconds, "calls/s", gflops, gflops / peak);
        }
    }

    private static (string Name, Action Run)[] Ops(string suffix, KernelLaunchers k, BatchShape s, NetworkBatch net, Workspace ws,
        BenchConfig c) =>
        [
            ("forward" + suffix, () => k.Forward(s, ws.U.View, net.Theta.View, net.P.View, ws.R.View, ws.Q.View, ws.Z.View, ws.A.View, ws.F.View)),
            ("hidden_backward" + suffix, () => k.HiddenBackward(s, net.Theta.View, net.P.View, ws.R.View, ws.Q.View, ws.Z.View, ws.A.View,
                ws.G.View, ws.Gz.View, ws.T.View)),
            ("weight_backward" + suffix, () => k.WeightBackward(s, ws.U.View, net.Theta.View, net.P.View, ws.R.View, ws.Gz.View, ws.T.View,
                ws.DTheta.View)),
            ("input_backward" + suffix, () => k.InputBackward(s, ws.U.View, net.Theta.View, net.P.View, ws.Q.View, ws.Gz.View, ws.T.View,
                ws.DTheta.Slice(0, (long)c.Networks * c.Rows * c.Inputs))),
        ];

    /// <summary>Fastest and mean seconds of `calls` timed calls after one warm-up call (kernel compilation, first touch of
    /// the buffers). The fastest is what the machine can do; the mean includes whatever else shared the cores.</summary>
    private static (double Best, double Mean) Time(ComputeDevice device, Action run, int calls)
    {
        run();
        device.Synchronize();
        double best = double.PositiveInfinity, total = 0;
        for (int i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            device.Synchronize();
            double seconds = clock.Elapsed.TotalSeconds;
            best = Math.Min(best, seconds);
            total += seconds;
        }
        return (best, total / calls);
    }

    /// <summary>The configuration's training end to end, then the short attack and distance estimate on its networks.</summary>
    private static IEnumerable<BenchRow> Trained(BenchConfig c, TrainConfig config, ComputeDevice device, string dev, double peak,
        Action<string>? log)
    {
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        using var net = new NetworkBatch(device, plan.Shape, plan.Networks, theta, plan.Centers(train));
        var options = new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.ResolvedEpochs, config.BatchSize,
            config.ResolvedEpochs);
        var clock = Stopwatch.StartNew();
        var log0 = Trainer.Train(net, train, test, options);
        device.Synchronize();
        double seconds = clock.Elapsed.TotalSeconds;
        long steps = log0[^1].Step;
        int B = plan.Networks.Count;
        // two U·W-sized products per step: z = U·W and dW = Uᵀ·G_z (training needs no dU); evaluation not counted
        double gflops = 2 * 2.0 * B * config.BatchSize * config.InputDim * config.Width * steps / seconds / 1e9;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name} training: {steps} steps of {B} networks in {seconds:0.00} s ({steps / seconds:0.0} steps/s, incl. evaluation)"));
        yield return new BenchRow(c.Name, dev, "train_end_to_end", $"{B} networks, {config.ResolvedEpochs} epochs, n {config.NTrain}",
            1, seconds, seconds, steps * B / seconds, "network-steps/s", gflops, gflops / peak);

        // the paper's l2 PGD on every network, each on the first points of its own test set
        int n = Math.Min(c.AttackPoints, config.NTest);
        var radii = Enumerable.Range(0, c.AttackRadii).Select(r => 1.5 * r / Math.Max(1, c.AttackRadii - 1)).ToList();
        var points = plan.Networks.Select(x => test[x.DataSet].Head(n)).ToList();
        var pgd = PgdOptions.Paper(n) with { Steps = c.AttackSteps };
        clock.Restart();
        Pgd.Run(net, points, radii, pgd);
        seconds = clock.Elapsed.TotalSeconds;
        double pointSteps = (double)B * radii.Count * n * c.AttackSteps;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name} l2 PGD: {B} networks × {radii.Count} radii × {n} points × {c.AttackSteps} steps in {seconds:0.00} s ({pointSteps / seconds:0} point-steps/s)"));
        yield return new BenchRow(c.Name, dev, "pgd_l2", $"{B} networks × {radii.Count} radii × {n} points, {c.AttackSteps} steps",
            1, seconds, seconds, pointSteps / seconds, "point-steps/s", double.NaN, double.NaN);

        var mu = plan.Networks.Select(x => SubclassData.Centers(config.InputDim, config.Subclasses, config.RandomCenters, x.Seed)).ToList();
        var distance = new DistanceOptions { Starts = c.DistanceStarts, Steps = c.DistanceSteps, Repeats = 1, ScaleSamples = 1000 };
        clock.Restart();
        DistanceEstimate.Run(net, mu, config.Subclasses, config.PositiveSubclasses, distance);
        seconds = clock.Elapsed.TotalSeconds;
        // per network and ideal (F, F^(p)): starts × steps
        double startSteps = (double)B * distance.Ideals.Count * c.DistanceStarts * c.DistanceSteps;
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name} distance: {B} networks × {distance.Ideals.Count} ideals × {c.DistanceStarts} starts × {c.DistanceSteps} steps in {seconds:0.00} s ({startSteps / seconds:0} start-steps/s)"));
        yield return new BenchRow(c.Name, dev, "distance", $"{B} networks × {distance.Ideals.Count} ideals × {c.DistanceStarts} starts, {c.DistanceSteps} steps",
            1, seconds, seconds, startSteps / seconds, "start-steps/s", double.NaN, double.NaN);
    }
}
