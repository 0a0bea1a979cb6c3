using System.Collections.Concurrent;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>DevicePool with ILGPU CPU instances standing in for the GPUs of a node.</summary>
[Collection(DeviceGroup.Name)]
public sealed class DevicePoolTests
{
    /// <summary>Four small batches (different seeds and widths) trained by two workers on two devices give the same θ, bit
    /// for bit, as each batch trained alone on one device; both devices take part.</summary>
    [Fact]
    public void TrainsEveryBatchOnceOnTheWorkersDevices()
    {
        using var pool = new DevicePool(DeviceSpec.ParseList("ilgpu-cpu:0,ilgpu-cpu:1"));
        var batches = new[] { (Seed: 1, Width: 4), (Seed: 2, Width: 6), (Seed: 3, Width: 5), (Seed: 4, Width: 3) }
            .Select(b => Small with { Seed = b.Seed, Width = b.Width }).ToList();
        var results = new ConcurrentDictionary<int, float[]>();
        var ranOn = new ConcurrentBag<string>();
        using var bothStarted = new Barrier(2);
        pool.Run(batches, c => c.Width, (c, device, cancel) =>
        {
            ranOn.Add(device.Spec.ToString());
            if (c.Width >= 5) // the two largest go first, one to each worker, and meet here
                Assert.True(bothStarted.SignalAndWait(TimeSpan.FromMinutes(1), cancel), "the two largest batches did not run at once");
            Assert.True(results.TryAdd(c.Seed, Train(device, c, cancel)), $"seed {c.Seed} ran twice");
        }, TestContext.Current.CancellationToken);

        Assert.Equal(["ilgpu-cpu:0", "ilgpu-cpu:1"], ranOn.Distinct().Order());
        using var alone = ComputeDevice.Open(DeviceSpec.Parse("ilgpu-cpu:2"));
        foreach (var c in batches)
            Assert.Equal(Train(alone, c, TestContext.Current.CancellationToken), results[c.Seed]);
    }

    [Fact]
    public void OneWorkerTakesTheLargestFirstTiesInListOrder()
    {
        using var pool = new DevicePool([new DeviceSpec(DeviceKind.IlgpuCpu, 3)]);
        var order = new List<string>();
        pool.Run(["a", "bbb", "cc", "dd", "eeee", "f"], s => s.Length, (s, _, _) => order.Add(s), TestContext.Current.CancellationToken);
        Assert.Equal(["eeee", "bbb", "cc", "dd", "a", "f"], order);
    }

    [Fact]
    public void AFailureStopsTheQueueAndIsRethrown()
    {
        using var pool = new DevicePool([new DeviceSpec(DeviceKind.IlgpuCpu)]);
        var ran = new List<int>();
        var failed = Assert.Throws<AggregateException>(() => pool.Run([5, 4, 3, 2], i => i, (i, _, _) =>
        {
            ran.Add(i);
            if (i == 4)
                throw new InvalidDataException("batch 4 is broken");
        }, TestContext.Current.CancellationToken));
        Assert.Equal([5, 4], ran);
        Assert.Equal("batch 4 is broken", Assert.Single(failed.InnerExceptions).Message);

        ran.Clear();
        pool.Run([1, 2], i => i, (i, _, _) => ran.Add(i), TestContext.Current.CancellationToken); // the pool runs again
        Assert.Equal([2, 1], ran);
    }

    [Fact]
    public void CancellationStopsTheQueue()
    {
        using var pool = new DevicePool([new DeviceSpec(DeviceKind.IlgpuCpu)]);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var ran = new List<int>();
        Assert.ThrowsAny<OperationCanceledException>(() => pool.Run([3, 2, 1], i => i, (i, _, token) =>
        {
            ran.Add(i);
            if (i == 2)
                cancel.Cancel();
            token.ThrowIfCancellationRequested();
        }, cancel.Token));
        Assert.Equal([3, 2], ran);
    }

    [Fact]
    public void RefusesAbsentAndRepeatedDevices()
    {
        int cuda = ComputeDevice.Count(DeviceKind.Cuda);
        var absent = Assert.Throws<InvalidOperationException>(() => new DevicePool([new DeviceSpec(DeviceKind.IlgpuCpu), new DeviceSpec(DeviceKind.Cuda, cuda)]));
        Assert.StartsWith($"device cuda:{cuda}: ", absent.Message, StringComparison.Ordinal);
        var twice = Assert.Throws<ArgumentException>(() => new DevicePool([new DeviceSpec(DeviceKind.IlgpuCpu, 1), new DeviceSpec(DeviceKind.IlgpuCpu, 1)]));
        Assert.Contains("ilgpu-cpu:1 is named 2 times", twice.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DevicePool([]));
    }

    private static readonly TrainConfig Small = new()
    {
        InputDim = 8, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 1,
        InitScale = 0.1, Lr = 0.2, Epochs = 2, BatchSize = 10, NTrain = 20, NTest = 10, LogEvery = 1,
    };

    private static float[] Train(ComputeDevice device, TrainConfig c, CancellationToken cancel)
    {
        var plan = new TrainPlan(c);
        var (train, test) = plan.GenerateData();
        using var net = new NetworkBatch(device, plan.Shape, plan.Networks,
            NetworkBatch.Initialize(plan.Shape, plan.Networks, c.Init, c.InitScale), plan.Centers(train));
        Trainer.Train(net, train, test, new TrainingOptions(c.Optimizer, c.Loss, c.Lr, c.ResolvedEpochs, c.BatchSize, c.LogEvery), cancel: cancel);
        return net.ThetaToHost();
    }
}
