using GpuPRelu.Analysis;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>A small synthetic batch ready to train, with each network's center directions: the analysis tests' common
/// setup. Small: D 50, K 6, K1 3, width 100, init 1e-3, 30 epochs of SGD at one α (a scaled-down quick preset).</summary>
internal sealed class SyntheticRun : IDisposable
{
    public static readonly TrainConfig Small = new()
    {
        InputDim = 50, Subclasses = 6, PositiveSubclasses = 3, Alpha = [0.05], P = [1, 3], Seeds = 2,
        Width = 100, InitScale = 1e-3, Lr = 0.2, Epochs = 30, BatchSize = 50, NTrain = 1000, NTest = 200, LogEvery = 30,
    };

    private readonly DataSet[] _train, _test;

    public SyntheticRun(ComputeDevice device, TrainConfig config)
    {
        Config = config;
        Plan = new TrainPlan(config);
        (_train, _test) = Plan.GenerateData();
        Theta0 = NetworkBatch.Initialize(Plan.Shape, Plan.Networks, config.Init, config.InitScale);
        Net = new NetworkBatch(device, Plan.Shape, Plan.Networks, Theta0, Plan.Centers(_train));
        Centers = [.. Plan.Networks.Select(n => new CenterDirections(
            SubclassData.Centers(config.InputDim, config.Subclasses, config.RandomCenters, n.Seed), config.InputDim,
            config.Subclasses, config.PositiveSubclasses))];
    }

    public TrainConfig Config { get; }
    public TrainPlan Plan { get; }
    public float[] Theta0 { get; }
    public NetworkBatch Net { get; }
    public IReadOnlyList<CenterDirections> Centers { get; }

    /// <summary>Trains the batch in place, passing `onStep` to the Trainer.</summary>
    public IReadOnlyList<NetworkMetrics> Train(Action<int, long, double>? onStep = null) =>
        Trainer.Train(Net, _train, _test, new TrainingOptions(Config.Optimizer, Config.Loss, Config.Lr, Config.ResolvedEpochs,
            Config.BatchSize, Config.LogEvery), onStep: onStep, cancel: TestContext.Current.CancellationToken);

    public void Dispose() => Net.Dispose();
}
