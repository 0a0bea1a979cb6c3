using System.Globalization;
using System.Runtime.InteropServices;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Trainer checkpoints: a run interrupted at a fixed step and resumed from its last checkpoint in a fresh
/// Train call returns the same metrics, onLog calls and final θ, bit for bit, as the uninterrupted run.</summary>
[Collection(DeviceGroup.Name)]
public sealed class TrainerCheckpointTests(DeviceFixture devices) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-ckpt-");

    /// <summary>4 steps an epoch for sgd and adam (40 rows, batches of 10), 8 epochs, metrics every 3 epochs (and the last).</summary>
    private static readonly TrainConfig Tiny = new()
    {
        InputDim = 10, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.2], P = [1, 3], Seeds = 2, Seed = 5,
        Width = 6, InitScale = 0.1, Lr = 0.1, Epochs = 8, BatchSize = 10, NTrain = 40, NTest = 20, LogEvery = 3,
    };

    public void Dispose() => _dir.Delete(recursive: true);

    private string Folder(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Steps to interrupt at: before the first checkpoint (the resume starts afresh), mid-epoch, at an epoch's last
    /// update (the token is checked before each step, so that epoch still ends and is saved), and in the last epoch. Gd
    /// takes one step an epoch. CUDA skips where no GPU is present.</summary>
    public static TheoryData<string, OptimizerKind, int> Interruptions => new()
    {
        { "cpu", OptimizerKind.Sgd, 3 }, { "cpu", OptimizerKind.Sgd, 8 }, { "cpu", OptimizerKind.Sgd, 14 }, { "cpu", OptimizerKind.Sgd, 31 },
        { "cpu", OptimizerKind.Adam, 6 }, { "cpu", OptimizerKind.Adam, 13 }, { "cpu", OptimizerKind.Adam, 30 },
        { "cpu", OptimizerKind.Gd, 1 }, { "cpu", OptimizerKind.Gd, 4 }, { "cpu", OptimizerKind.Gd, 7 },
        { "ilgpu-cpu", OptimizerKind.Sgd, 10 }, { "ilgpu-cpu", OptimizerKind.Sgd, 28 },
        { "ilgpu-cpu", OptimizerKind.Adam, 7 }, { "ilgpu-cpu", OptimizerKind.Adam, 21 },
        { "ilgpu-cpu", OptimizerKind.Gd, 3 }, { "ilgpu-cpu", OptimizerKind.Gd, 7 },
        { "cuda", OptimizerKind.Sgd, 10 }, { "cuda", OptimizerKind.Adam, 21 }, { "cuda", OptimizerKind.Gd, 5 },
    };

    [Theory]
    [DeviceData(nameof(Interruptions))]
    public void ResumeAfterCancelIsBitIdentical(string device, OptimizerKind optimizer, int stopAt)
    {
        var dev = devices.Get(device);
        var config = Tiny with { Optimizer = optimizer };
        int stepsPerEpoch = optimizer == OptimizerKind.Gd ? 1 : 4;
        var reference = Run(dev, config, null, TestContext.Current.CancellationToken);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var folder = Folder("ckpt");
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Run(dev, config, new CheckpointOptions(folder, TimeSpan.Zero), step => { if (step == stopAt) stop.Cancel(); }, null, stop.Token));

        var resumed = Run(dev, config, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken);
        // the last epoch that ended before the interruption was checkpointed; the resumed call starts after it
        long restored = stopAt / stepsPerEpoch * stepsPerEpoch;
        Assert.Equal(restored, resumed.FirstStep);
        AssertSameRun(reference, resumed);
    }

    /// <summary>A checkpoint copied from the middle of a run, resumed in a fresh call; the run that wrote it is itself
    /// unchanged by checkpointing, and a finished run's folder resumes without training.</summary>
    [Theory]
    [InlineData("cpu", OptimizerKind.Adam)]
    [InlineData("ilgpu-cpu", OptimizerKind.Sgd)]
    public void CheckpointFromMidRunResumesInAFreshCall(string device, OptimizerKind optimizer)
    {
        var dev = devices.Get(device);
        var config = Tiny with { Optimizer = optimizer };
        var reference = Run(dev, config, null, TestContext.Current.CancellationToken);
        var (live, copy) = (Folder("live"), Folder("copy"));
        var writer = Run(dev, config, new CheckpointOptions(live, TimeSpan.Zero), step =>
        {
            if (step == 18)
                CopyFolder(live, copy); // holds epoch 4's checkpoint
        }, null, TestContext.Current.CancellationToken);
        AssertSameRun(reference, writer);

        var fromCopy = Run(dev, config, new CheckpointOptions(copy, TimeSpan.Zero), TestContext.Current.CancellationToken);
        Assert.Equal(16, fromCopy.FirstStep);
        AssertSameRun(reference, fromCopy);

        var finished = Run(dev, config, new CheckpointOptions(live, TimeSpan.Zero), TestContext.Current.CancellationToken);
        Assert.Equal(32, finished.FirstStep);
        Assert.Equal(1, finished.Steps);
        AssertSameRun(reference, finished);
        Assert.Equal(["checkpoint.json", "state-000000000032.safetensors"], Directory.GetFiles(live).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void DivergedNetworksAndTheirNaNLossesResume()
    {
        var dev = devices.Get("cpu");
        var plan = new TrainPlan(Tiny);
        var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, Tiny.Init, Tiny.InitScale);
        theta[plan.Shape.VOffset + plan.Shape.Hidden] = float.NaN; // network 1's first output weight
        var reference = Run(dev, Tiny, null, null, theta, TestContext.Current.CancellationToken);
        Assert.True(reference.Log[^3].Diverged && double.IsNaN(reference.Log[^3].Loss));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var folder = Folder("nan");
        Assert.ThrowsAny<OperationCanceledException>(() => Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.Zero),
            step => { if (step == 22) stop.Cancel(); }, theta, stop.Token));
        var resumed = Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.Zero), null, theta, TestContext.Current.CancellationToken);
        Assert.Equal(20, resumed.FirstStep);
        AssertSameRun(reference, resumed);
    }

    [Fact]
    public void EveryBoundsTheWritesButTheLastEpochIsAlwaysSaved()
    {
        var dev = devices.Get("cpu");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var folder = Folder("hourly");
        Assert.ThrowsAny<OperationCanceledException>(() => Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.FromHours(1)),
            step => { if (step == 30) stop.Cancel(); }, null, stop.Token));
        Assert.False(TrainingCheckpoint.Exists(folder), "a checkpoint was written before an hour had passed");
        Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.FromHours(1)), TestContext.Current.CancellationToken);
        Assert.True(TrainingCheckpoint.Exists(folder));
        Assert.Contains("\"epoch\": 8,", File.ReadAllText(Path.Combine(folder, TrainingCheckpoint.FileName)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lr", "options")]
    [InlineData("seed", "networks, data, start")]
    [InlineData("width", "shape, start")]
    [InlineData("init", "start")]
    public void RefusesACheckpointOfAnotherBatch(string change, string differ)
    {
        var dev = devices.Get("cpu");
        var folder = Folder("other");
        Run(dev, Tiny with { Epochs = 2 }, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken);
        var other = change switch
        {
            "lr" => Tiny with { Epochs = 2, Lr = 0.2 },
            "seed" => Tiny with { Epochs = 2, Seed = 6 },
            "width" => Tiny with { Epochs = 2, Width = 7 },
            _ => Tiny with { Epochs = 2, InitScale = 0.2 },
        };
        var refused = Assert.Throws<InvalidDataException>(() => Run(dev, other, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken));
        Assert.Contains($"was written for another batch: its {differ} differ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("delete the folder to start afresh", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAMalformedCheckpointAndBadOptions()
    {
        var dev = devices.Get("cpu");
        var folder = Folder("bad");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, TrainingCheckpoint.FileName), "{ \"format\": ");
        var refused = Assert.Throws<InvalidDataException>(() => Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken));
        Assert.StartsWith(Path.Combine(folder, TrainingCheckpoint.FileName) + ": not a checkpoint", refused.Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(folder, TrainingCheckpoint.FileName), "{ \"format\": \"gpuprelu-checkpoint\", \"version\": 2 }");
        refused = Assert.Throws<InvalidDataException>(() => Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken));
        Assert.Contains("version 2; this engine reads 'gpuprelu-checkpoint' version 1", refused.Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(folder, TrainingCheckpoint.FileName), "{ \"format\": \"gpuprelu-checkpoint\", \"version\": 1 }");
        refused = Assert.Throws<InvalidDataException>(() => Run(dev, Tiny, new CheckpointOptions(folder, TimeSpan.Zero), TestContext.Current.CancellationToken));
        Assert.Contains("incomplete checkpoint", refused.Message, StringComparison.Ordinal);

        // a state file cut short (a copy interrupted by hand: the engine's own writes are atomic)
        var whole = Folder("whole");
        Run(dev, Tiny with { Epochs = 2 }, new CheckpointOptions(whole, TimeSpan.Zero), TestContext.Current.CancellationToken);
        var state = Directory.GetFiles(whole, "state-*.safetensors").Single();
        File.WriteAllBytes(state, File.ReadAllBytes(state)[..100]);
        refused = Assert.Throws<InvalidDataException>(() => Run(dev, Tiny with { Epochs = 2 }, new CheckpointOptions(whole, TimeSpan.Zero),
            TestContext.Current.CancellationToken));
        Assert.StartsWith(state + ": ", refused.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<ArgumentException>(() => Run(dev, Tiny, new CheckpointOptions(" ", TimeSpan.FromSeconds(-1)), TestContext.Current.CancellationToken));
        Assert.Contains("checkpoint.folder must name a folder", bad.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint.every must be ≥ 0", bad.Message, StringComparison.Ordinal);
    }

    private sealed record Result(IReadOnlyList<NetworkMetrics> Log, float[] Theta, List<string> OnLog, long FirstStep, int Steps);

    private static Result Run(ComputeDevice device, TrainConfig c, CheckpointOptions? checkpoint, CancellationToken cancel) =>
        Run(device, c, checkpoint, null, null, cancel);

    private static Result Run(ComputeDevice device, TrainConfig c, CheckpointOptions? checkpoint, Action<long>? atStep, float[]? theta0,
        CancellationToken cancel)
    {
        var plan = new TrainPlan(c);
        var (train, test) = plan.GenerateData();
        using var net = new NetworkBatch(device, plan.Shape, plan.Networks,
            theta0 ?? NetworkBatch.Initialize(plan.Shape, plan.Networks, c.Init, c.InitScale), plan.Centers(train));
        var onLog = new List<string>();
        var (firstStep, steps) = (-1L, 0);
        var options = new TrainingOptions(c.Optimizer, c.Loss, c.Lr, c.ResolvedEpochs, c.BatchSize, c.LogEvery, Checkpoint: checkpoint);
        var log = Trainer.Train(net, train, test, options,
            (rows, fraction) => onLog.Add(string.Join(";", rows.Select(Text)) + FormattableString.Invariant($" @ {fraction:R}")),
            (epoch, step, t) =>
            {
                firstStep = steps++ == 0 ? step : firstStep;
                atStep?.Invoke(step);
            },
            cancel: cancel);
        return new Result(log, net.ThetaToHost(), onLog, firstStep, steps);
    }

    private static void AssertSameRun(Result expected, Result actual)
    {
        Assert.Equal(expected.Log.Select(Text), actual.Log.Select(Text));
        Assert.Equal(expected.OnLog, actual.OnLog);
        Assert.Equal(MemoryMarshal.Cast<float, int>(expected.Theta).ToArray(), MemoryMarshal.Cast<float, int>(actual.Theta).ToArray());
    }

    // every field, doubles as their exact bits
    private static string Text(NetworkMetrics m) => string.Join(",", m.Network, m.Epoch, m.Step, Bits(m.FlowTime), Bits(m.Loss),
        Bits(m.TrainAccuracy), Bits(m.TestLoss), Bits(m.TestAccuracy), m.Diverged);

    private static string Bits(double x) => BitConverter.DoubleToInt64Bits(x).ToString("x16", CultureInfo.InvariantCulture);

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
