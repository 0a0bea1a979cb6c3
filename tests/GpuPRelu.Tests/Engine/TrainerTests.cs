using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class TrainerTests(DeviceFixture devices)
{
    /// <summary>The small synthetic batch: D 50, K 6, K1 3, width 100, p ∈ {1, 3}, α 0.1, small Gaussian init,
    /// exponential loss, SGD as the reference.</summary>
    private static readonly TrainConfig Small = new()
    {
        InputDim = 50, Subclasses = 6, PositiveSubclasses = 3, Alpha = [0.1], P = [1, 3], Seeds = 1,
        Width = 100, InitScale = 1e-2, Lr = 0.2, Epochs = 30, BatchSize = 50, NTrain = 600, NTest = 600, LogEvery = 5,
    };

    /// <summary>The fast devices: training through the ILGPU CPU accelerator takes ~30 s here, and its kernels are already
    /// held to the references one by one.</summary>
    public static TheoryData<string> TrainingDevices => ["cpu", "cuda"];

    public static TheoryData<string, int> TrainingDevicesAndSeeds => Seeds.Cross(TrainingDevices);

    [Theory]
    [DeviceData(nameof(TrainingDevicesAndSeeds))]
    public void SmallSyntheticBatchLearns(string device, int seed)
    {
        var config = Small with { Seed = seed };
        var (log, _) = Train(devices.Get(device), config);
        foreach (var b in new[] { 0, 1 })
        {
            var rows = log.Where(r => r.Network == b).ToList();
            var (first, last) = (rows[0], rows[^1]);
            Assert.False(last.Diverged);
            Assert.True(last.Loss < 0.5 * first.Loss, $"p = {config.P[b]}, seed {config.Seed}: loss {first.Loss} → {last.Loss}");
            Assert.True(last.TestAccuracy >= 0.99, $"p = {config.P[b]}, seed {config.Seed}: test accuracy {last.TestAccuracy}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void SameSeedGivesBitIdenticalDataInitAndTraining(int seed)
    {
        var config = Small with { Seed = seed, Epochs = 2, NTrain = 100, NTest = 50, Width = 16 };
        var plan = new TrainPlan(config);
        var (train1, test1) = plan.GenerateData();
        var (train2, test2) = new TrainPlan(config).GenerateData();
        Assert.Equal(train1[0].X, train2[0].X);
        Assert.Equal(train1[0].Y, train2[0].Y);
        Assert.Equal(test1[0].X, test2[0].X);
        Assert.Equal(NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale),
            NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale));
        var cpu = devices.Get("cpu");
        var (_, theta1) = Train(cpu, config);
        var (_, theta2) = Train(cpu, config);
        Assert.Equal(theta1, theta2);
    }

    /// <summary>The GPU path (tiled products) against the managed CPU path, on CUDA and, where no GPU is present, on
    /// ILGPU's CPU accelerator with 16 × 16-thread groups.</summary>
    public static TheoryData<string, int> GpuDevicesAndSeeds => Seeds.Cross(new TheoryData<string>(["ilgpu-tiled", "cuda"]));

    [Theory]
    [DeviceData(nameof(GpuDevicesAndSeeds))]
    public void GpuPathAgreesWithCpu(string device, int seed)
    {
        // 12 SGD steps of 25 points; D 20 (3 slices of the tiled products' inner dimension: every launch on the emulated GPU
        // costs 256-thread barriers)
        var config = Small with { Seed = seed, Epochs = 3, NTrain = 100, NTest = 50, Width = 32, InputDim = 20, BatchSize = 25 };
        var gpu = devices.Get(device);
        var (logCpu, thetaCpu) = Train(devices.Get("cpu"), config);
        var (logCuda, thetaCuda) = Train(gpu, config);
        // float32 sums in a different order on each device, compounded over 12 SGD steps
        Close.Assert(NetworkCase.Wide(thetaCpu), thetaCuda, 1e-6, 1e-3, $"theta after training (seed {config.Seed})");
        Close.Assert([.. logCpu.Select(r => r.Loss)], [.. logCuda.Select(r => r.Loss)], 1e-6, 1e-3, "loss log");
    }

    [Fact]
    public void DivergedNetworkIsMarkedAndOthersContinue()
    {
        var config = Small with { Epochs = 3, NTrain = 100, NTest = 50, Width = 16 };
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        theta[plan.Shape.VOffset + plan.Shape.Hidden] = float.NaN; // network 1's first output weight
        using var net = new NetworkBatch(devices.Get("cpu"), plan.Shape, plan.Networks, theta, plan.Centers(train));
        var log = Trainer.Train(net, train, test, Options(config), cancel: TestContext.Current.CancellationToken);
        var last = log.Where(r => r.Epoch == config.Epochs).OrderBy(r => r.Network).ToList();
        Assert.True(last[1].Diverged);
        Assert.False(last[0].Diverged);
        Assert.True(double.IsFinite(last[0].Loss) && last[0].Loss < log[0].Loss);
    }

    private static (IReadOnlyList<NetworkMetrics> Log, float[] Theta) Train(GpuPRelu.Devices.ComputeDevice device, TrainConfig config)
    {
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        using var net = new NetworkBatch(device, plan.Shape, plan.Networks, theta, plan.Centers(train));
        var log = Trainer.Train(net, train, test, Options(config), cancel: TestContext.Current.CancellationToken);
        return (log, net.ThetaToHost());
    }

    private static TrainingOptions Options(TrainConfig c) =>
        new(c.Optimizer, c.Loss, c.Lr, c.ResolvedEpochs, c.BatchSize, c.LogEvery);
}
