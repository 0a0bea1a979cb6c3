using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Network;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>`log_rows` (TrainingOptions.LogRows): the log points between epoch 0 and the last report the loss and accuracy
/// of the first LogRows rows of each train and test set, as a float64 forward pass of θ at that epoch gives them; epoch 0
/// and the last epoch still report every row, the same numbers as without it.</summary>
[Collection(DeviceGroup.Name)]
public sealed class LogRowsTests(DeviceFixture devices)
{
    private const int Rows = 37;

    private static readonly TrainConfig Small = new()
    {
        InputDim = 20, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 2, Width = 16,
        InitScale = 0.3, Lr = 0.5, Epochs = 3, BatchSize = 50, NTrain = 400, NTest = 100, LogEvery = 1,
    };

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void MiddleLogPointsEvaluateTheFirstRows(int seed)
    {
        var config = Small with { Seed = seed };
        var (subset, _) = Train(config, Rows);
        var (full, _) = Train(config, null);
        var (_, thetaAfterOne) = Train(config with { Epochs = 1 }, null);

        // epoch 0 and the last epoch: every row, as without log_rows
        Assert.Equal(full.Where(m => m.Epoch is 0 or 3), subset.Where(m => m.Epoch is 0 or 3));
        // epoch 1: the first 37 rows of each set, at θ after epoch 1
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        foreach (var m in subset.Where(m => m.Epoch == 1))
        {
            var n = plan.Networks[m.Network];
            var (trainLoss, trainAcc) = Reference(plan, thetaAfterOne, m.Network, train[n.DataSet].X, train[n.DataSet].Y);
            var (testLoss, testAcc) = Reference(plan, thetaAfterOne, m.Network, test[n.DataSet].X, test[n.DataSet].Y);
            string at = $"network {m.Network} (seed {seed})";
            Close.Assert(trainLoss, m.Loss, 1e-6, 1e-5, $"train loss of {at}");
            Close.Assert(testLoss, m.TestLoss, 1e-6, 1e-5, $"test loss of {at}");
            Assert.Equal(trainAcc, m.TrainAccuracy, 9);
            Assert.Equal(testAcc, m.TestAccuracy, 9);
            // the subset is not the whole set: the full-set loss at that epoch differs
            var whole = full.Single(x => x.Epoch == 1 && x.Network == m.Network);
            Assert.True(Math.Abs(whole.Loss - m.Loss) > 1e-3 * Math.Abs(whole.Loss), $"{at}: {whole.Loss} vs {m.Loss}");
        }
    }

    private (IReadOnlyList<NetworkMetrics> Metrics, float[] Theta) Train(TrainConfig config, int? logRows)
    {
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var theta0 = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale);
        using var net = new NetworkBatch(devices.Get("cpu"), plan.Shape, plan.Networks, theta0, plan.Centers(train));
        var metrics = Trainer.Train(net, train, test, new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.Epochs,
            config.BatchSize, config.LogEvery, LogRows: logRows), cancel: TestContext.Current.CancellationToken);
        return (metrics, net.ThetaToHost());
    }

    /// <summary>Mean exp loss and accuracy of network b over the first Rows rows of (x, y) in float64.</summary>
    private static (double Loss, double Accuracy) Reference(TrainPlan plan, float[] theta, int b, float[] x, int[] y)
    {
        var shape = plan.Shape with { Samples = Rows };
        int D = shape.Inputs;
        var u = new double[shape.Networks * Rows * D];
        for (int i = 0; i < Rows * D; i++)
            u[b * Rows * D + i] = x[i];
        var (_, _, _, f) = NetworkReference.Forward(shape, [.. theta.Select(v => (double)v)],
            [.. plan.Networks.Select(n => n.P)], u);
        double loss = 0, correct = 0;
        for (int m = 0; m < Rows; m++)
        {
            double margin = (y[m] == 1 ? 1 : -1) * f[b * Rows + m];
            loss += Math.Exp(-margin);
            correct += margin > 0 ? 1 : 0;
        }
        return (loss / Rows, correct / Rows);
    }
}
