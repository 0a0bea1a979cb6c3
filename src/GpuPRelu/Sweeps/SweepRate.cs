using System.Diagnostics;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Sweeps;

/// <summary>The device's measured training rate in flop/s (SweepCost's count): a small batch (4 networks, D 100,
/// width 200, 2000 samples, 2 epochs) trained once to warm up (compilation, JIT) and once timed. A plan's estimate
/// divides its flops by this rate; on a shared machine the rate, and so the estimate, moves with the load.</summary>
public static class SweepRate
{
    /// <summary>Measures the rate on `device` (about a second on 2 CPU cores).</summary>
    public static double Measure(ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var config = new TrainConfig
        {
            InputDim = 100, Width = 200, Alpha = [0.1], P = [1, 3], Seeds = 2, NTrain = 2000, NTest = 500, Epochs = 2, BatchSize = 100,
            LogEvery = 2, InitScale = 1e-3,
        };
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var options = new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.Epochs, config.BatchSize, config.LogEvery);
        double seconds = 0;
        for (int round = 0; round < 2; round++)
        {
            var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
            using var net = new NetworkBatch(device, plan.Shape, plan.Networks, theta, plan.Centers(train));
            var clock = Stopwatch.StartNew();
            Trainer.Train(net, train, test, options);
            device.Synchronize();
            seconds = clock.Elapsed.TotalSeconds;
        }
        return plan.Networks.Count * SweepCost.Flops(new StudyConfig { Train = config }, SweepPhases.Train) / seconds;
    }
}
