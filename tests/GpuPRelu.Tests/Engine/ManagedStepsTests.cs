using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices.Managed;
using GpuPRelu.Experiments;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The managed path's optimizer steps one network per core (ManagedSteps) give θ and every metric bit for bit as the
/// step-by-step launches do (gather, forward, loss, backward, update per step over all networks): binary losses with
/// p = 1, 2.5 and 3, ragged D, width and last batch, bias, centering and input normalization, full-batch gd with more rows
/// than one block of the product (dW kept in memory), Adam, a hook watching chosen steps, and three classes with
/// cross-entropy under SGD and Adam.</summary>
[Collection(DeviceGroup.Name)]
public sealed class ManagedStepsTests(DeviceFixture devices)
{
    private static readonly TrainConfig Ragged = new()
    {
        InputDim = 37, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.2], P = [1, 2.5, 3], Seeds = 2, Width = 53,
        InitScale = 0.1, Lr = 0.2, Epochs = 6, BatchSize = 16, NTrain = 70, NTest = 30, LogEvery = 3,
    };

    private static readonly long[] WatchedSteps = [0, 3, 10, 11];
    private static readonly double[] ClassPs = [1, 3, 1, 2];

    public static TheoryData<string> Cases => new()
    {
        "sgd exp", "sgd logistic normalized", "gd 300 rows", "sgd watched", "adam exp", "adam normalized 300 rows",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerNetworkStepsGiveTheSameBitsAsStepByStep(string name)
    {
        var config = name switch
        {
            "sgd exp" => Ragged,
            "sgd logistic normalized" => Ragged with { Loss = LossKind.Logistic, Bias = true, Center = true, NormalizeInput = true, Seed = 5 },
            "gd 300 rows" => Ragged with { Optimizer = OptimizerKind.Gd, NTrain = 300, Epochs = 5, LogEvery = 5, Lr = 0.5, Seed = 9 },
            "adam exp" => Ragged with { Optimizer = OptimizerKind.Adam, Lr = 0.01, Seed = 21 },
            // Adam with a step of 300 rows: dW kept in memory across two blocks of the product
            "adam normalized 300 rows" => Ragged with
            {
                Optimizer = OptimizerKind.Adam, Lr = 0.01, Seed = 23, NTrain = 320, BatchSize = 300, Bias = true, Center = true,
                NormalizeInput = true,
            },
            _ => Ragged with { Seed = 13 },
        };
        // the watched run hands θ to the hook at steps 0, 3, 10 and 11 only (an epoch is 5 steps)
        HashSet<long>? watched = name == "sgd watched" ? [3, 10, 11] : null;
        var stepByStep = Train(config, watched, perNetwork: false);
        var perNetwork = Train(config, watched, perNetwork: true);
        Assert.Equal(Bits(stepByStep.Theta), Bits(perNetwork.Theta));
        Assert.Equal(stepByStep.Metrics, perNetwork.Metrics);
        Assert.Equal(stepByStep.Seen.Keys, perNetwork.Seen.Keys);
        foreach (var (step, theta) in stepByStep.Seen)
            Assert.Equal(Bits(theta), Bits(perNetwork.Seen[step]));
        // the runs trained: θ moved by far more than rounding from its start
        Assert.True(Distance(stepByStep.Theta, stepByStep.Start) > 1e-2, $"θ moved only {Distance(stepByStep.Theta, stepByStep.Start)}");
        if (watched is not null)
            Assert.Equal(WatchedSteps, stepByStep.Seen.Keys.Order());
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void ThreeClassesWithCrossEntropyGiveTheSameBits(OptimizerKind optimizer)
    {
        var shape = new BatchShape(4, 0, 29, 41, 3, 1, 0);
        var networks = ClassPs.Select((p, i) => new NetworkInfo(i, p, 0.1, 17 + i, i % 2)).ToList();
        var theta = NetworkBatch.Initialize(shape, networks, InitKind.Gaussian, 0.2);
        var sets = new[] { Classes(101, 90, shape.Inputs), Classes(102, 90, shape.Inputs) };
        var options = new TrainingOptions(optimizer, LossKind.CrossEntropy, optimizer == OptimizerKind.Adam ? 0.01 : 0.1, 4, 25, 2);
        (float[], string[]) Run(bool perNetwork)
        {
            ManagedSteps.Forced = perNetwork;
            try
            {
                using var net = new NetworkBatch(devices.Get("cpu"), shape, networks, theta, new float[shape.Networks * shape.Inputs]);
                var metrics = Trainer.Train(net, sets, sets, options, cancel: TestContext.Current.CancellationToken);
                return (net.ThetaToHost(), [.. metrics.Select(m => m.ToString())]);
            }
            finally
            {
                ManagedSteps.Forced = null;
            }
        }
        var (thetaA, metricsA) = Run(false);
        var (thetaB, metricsB) = Run(true);
        Assert.Equal(Bits(thetaA), Bits(thetaB));
        Assert.Equal(metricsA, metricsB);
        Assert.True(Distance(thetaA, theta) > 1e-2);
    }

    private (float[] Start, float[] Theta, string[] Metrics, Dictionary<long, float[]> Seen) Train(TrainConfig config,
        HashSet<long>? watched, bool perNetwork)
    {
        ManagedSteps.Forced = perNetwork;
        try
        {
            var plan = new TrainPlan(config);
            var (train, test) = plan.GenerateData();
            var theta0 = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
            using var net = new NetworkBatch(devices.Get("cpu"), plan.Shape, plan.Networks, theta0, plan.Centers(train));
            var seen = new Dictionary<long, float[]>();
            var metrics = Trainer.Train(net, train, test, new TrainingOptions(config.Optimizer, config.Loss, config.Lr,
                    config.ResolvedEpochs, config.BatchSize, config.LogEvery),
                onStep: watched is null ? null : (_, step, _) =>
                {
                    if (step == 0 || watched.Contains(step))
                        seen[step] = net.ThetaToHost();
                },
                watches: watched is null ? null : watched.Contains, cancel: TestContext.Current.CancellationToken);
            return (theta0, net.ThetaToHost(), [.. metrics.Select(m => m.ToString())], seen);
        }
        finally
        {
            ManagedSteps.Forced = null;
        }
    }

    /// <summary>`n` rows of D standard normal features with labels 0..2 by the sign pattern of two coordinates.</summary>
    private static DataSet Classes(int seed, int n, int d)
    {
        var rng = new System.Random(seed);
        var x = new float[n * d];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++)
                x[i * d + k] = (float)(rng.NextDouble() * 2 - 1);
            y[i] = x[i * d] > 0.3f ? 2 : x[i * d + 1] > 0 ? 1 : 0;
        }
        return new DataSet(x, y, n, d, 3);
    }

    private static int[] Bits(float[] x) => [.. x.Select(BitConverter.SingleToInt32Bits)];

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}
