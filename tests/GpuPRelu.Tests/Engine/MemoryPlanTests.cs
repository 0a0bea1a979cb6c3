using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class MemoryPlanTests(DeviceFixture devices)
{
    [Fact]
    public void CountsTheBuffersAWorkspaceAllocates()
    {
        var shape = new BatchShape(3, 0, 11, 17, 2, 1, 1);
        var infos = Enumerable.Range(0, 3).Select(b => new NetworkInfo(b, 2, 0.1, 0, 0)).ToList();
        using var net = new NetworkBatch(devices.Get("cpu"), shape, infos, new float[shape.ParameterCount], new float[3 * 11]);
        foreach (int rows in new[] { 1, 40 })
        {
            using var ws = new Workspace(net, rows);
            long allocated = new[] { ws.U.LengthInBytes, ws.Ym.LengthInBytes, ws.Q.LengthInBytes, ws.Z.LengthInBytes, ws.A.LengthInBytes,
                ws.Gz.LengthInBytes, ws.T.LengthInBytes, ws.F.LengthInBytes, ws.G.LengthInBytes, ws.Loss.LengthInBytes,
                ws.Correct.LengthInBytes, ws.Sums.LengthInBytes, ws.R.LengthInBytes, ws.DTheta.LengthInBytes }.Sum();
            Assert.Equal(allocated, MemoryPlan.WorkspaceFixedBytes(shape) + rows * MemoryPlan.WorkspaceRowBytes(shape));
        }
        long batch = net.Theta.LengthInBytes + net.P.LengthInBytes + net.Center.LengthInBytes;
        Assert.Equal(batch, MemoryPlan.NetworkBytes(shape));
    }

    [Theory]
    [DeviceData(nameof(Seeds.Devices), MemberType = typeof(Seeds))]
    public void SplitsAnAttackThatDoesNotFitAndKeepsItsVerdicts(string device, int seed)
    {
        var rng = new System.Random(seed);
        var dev = devices.Get(device);
        const int D = 10, H = 16, n = 30;
        var shape = new BatchShape(2, 0, D, H, 1, 0, 0);
        var infos = Enumerable.Range(0, 2).Select(b => new NetworkInfo(b, 1 + 2 * b, 0.1, seed, b)).ToList();
        using var net = new NetworkBatch(dev, shape, infos, NetworkBatch.Initialize(shape, infos, InitKind.Kaiming, 1), new float[2 * D]);
        var sets = Enumerable.Range(0, 2).Select(_ => new DataSet(NetworkCase.Normal(rng, n * D, 1.0),
            [.. Enumerable.Range(0, n).Select(_ => rng.Next(2))], n, D, 2)).ToList();
        double[] radii = [0, 0.1, 0.3, 0.6];
        var options = new PgdOptions(AttackNorm.L2, 20, 0.05, LossKind.Exp);
        // the batch's own memory plan (on the managed path each network would otherwise run alone, in half the memory)
        var whole = Pgd.Run(net, sets, radii, options, perNetwork: false);
        // room for 7 points at every radius: the 30 points go in 5 chunks
        long perRow = MemoryPlan.WorkspaceRowBytes(shape) + MemoryPlan.ForwardPartsRowBytes(shape) + sizeof(float) * 2L * (2 * D + 2);
        long budget = MemoryPlan.NetworkBytes(shape) + MemoryPlan.WorkspaceFixedBytes(shape) + 7 * radii.Length * perRow;
        Assert.Equal(7 * radii.Length, MemoryPlan.Rows(shape, budget, 2 * D + 2, 1 << 16, radii.Length, "pgd"));
        long before = dev.MemoryBudget;
        try
        {
            dev.MemoryBudget = budget;
            var chunked = Pgd.Run(net, sets, radii, options, perNetwork: false);
            for (int b = 0; b < 2; b++)
            {
                for (int r = 0; r < radii.Length; r++)
                    Assert.True(whole[b][r].SequenceEqual(chunked[b][r]), $"network {b} radius {radii[r]}: verdicts differ (seed {seed})");
            }
            // one point at every radius no longer fits
            dev.MemoryBudget = budget - 7 * radii.Length * perRow + radii.Length * perRow - 1;
            var refused = Assert.Throws<InsufficientMemoryException>(() => Pgd.Run(net, sets, radii, options, perNetwork: false));
            Assert.Contains("D 10, H 16, C 1", refused.Message, StringComparison.Ordinal);
            Assert.Contains("device budget", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            dev.MemoryBudget = before;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void TrainingEvaluatesInChunksThatFitAndRefusesAStepThatCannot(int seed)
    {
        var dev = devices.Get("cpu");
        var config = new TrainConfig
        {
            InputDim = 20, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 1, Width = 16, InitScale = 1e-2,
            Lr = 0.2, Epochs = 4, BatchSize = 20, NTrain = 120, NTest = 120, LogEvery = 2, Seed = seed,
        };
        var plan = new TrainPlan(config);
        var (train, test) = plan.GenerateData();
        var s = plan.Shape;
        (IReadOnlyList<NetworkMetrics>, float[]) Run()
        {
            using var net = new NetworkBatch(dev, s, plan.Networks, NetworkBatch.Initialize(s, plan.Networks, config.Init, config.InitScale),
                plan.Centers(train));
            var log = Trainer.Train(net, train, test, new TrainingOptions(config.Optimizer, config.Loss, config.Lr, config.Epochs,
                config.BatchSize, config.LogEvery), cancel: TestContext.Current.CancellationToken);
            return (log, net.ThetaToHost());
        }
        var (log, theta) = Run();
        // the Trainer's plan: data sets (x, y, identity), shuffle order, Adam's m and v, then the step's Workspace
        long data = sizeof(float) * ((240L * (s.Inputs + 3)) + 2L * s.Networks) + sizeof(int) * 120L + 2L * sizeof(float) * s.ParameterCount;
        long step = MemoryPlan.NetworkBytes(s) + 2 * MemoryPlan.WorkspaceFixedBytes(s) + 20 * MemoryPlan.WorkspaceRowBytes(s);
        long before = dev.MemoryBudget;
        try
        {
            // 7 evaluation rows: the 120 training and test points are evaluated in 18 chunks each
            dev.MemoryBudget = data + step + 7 * MemoryPlan.WorkspaceRowBytes(s);
            var (chunkedLog, chunkedTheta) = Run();
            Assert.Equal(theta, chunkedTheta);
            Assert.Equal(log.Select(x => (x.TrainAccuracy, x.TestAccuracy)), chunkedLog.Select(x => (x.TrainAccuracy, x.TestAccuracy)));
            // summed in another order: float32 rounding
            Close.Assert([.. log.Select(x => x.Loss)], [.. chunkedLog.Select(x => x.Loss)], what: "training loss with chunked evaluation");
            // the plan's accounting is exact: one byte short of a single evaluation row
            dev.MemoryBudget = data + step + MemoryPlan.WorkspaceRowBytes(s) - 1;
            Assert.Contains("training evaluation", Assert.Throws<InsufficientMemoryException>(() => Run()).Message, StringComparison.Ordinal);
            dev.MemoryBudget = data + step - MemoryPlan.WorkspaceFixedBytes(s) - 1;
            var refused = Assert.Throws<InsufficientMemoryException>(() => Run());
            Assert.Contains($"training step: {s.Networks} network(s) of D 20, H 16", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            dev.MemoryBudget = before;
        }
    }
}
