using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu train --trace DIR`: what bench/reference/parity.py reads.</summary>
[Collection(CliGroup.Name)]
public sealed class TrainTraceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-trace-");

    // 2 seeds × p {1, 3}; 60 rows in batches of 20: 3 steps an epoch, 9 in all
    private static readonly string[] Tiny =
    [
        "train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2", "--alpha", "0.1",
        "--p", "1,3", "--seeds", "2", "--seed", "5", "--width", "8", "--init-scale", "0.01", "--epochs", "3", "--batch-size", "20",
        "--n-train", "60", "--n-test", "40",
    ];

    private static readonly TrainConfig Config = new()
    {
        InputDim = 12, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 2, Seed = 5, Width = 8,
        InitScale = 0.01, Epochs = 3, BatchSize = 20, NTrain = 60, NTest = 40,
    };

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void TraceHoldsTheDataTheOrdersAndThetaAtItsSteps()
    {
        var (code, stdout, err) = Gpuprelu.Run([.. Tiny, "--save", "--trace", Out("trace"), "--trace-every", "4", "--out", Out("run")]);
        Assert.True(code == 0, err + stdout);
        Assert.Equal(["theta_00000000.safetensors", "theta_00000004.safetensors", "theta_00000008.safetensors",
            "theta_00000009.safetensors", "trace.safetensors"], Directory.GetFiles(Out("trace")).Select(Path.GetFileName).Order());

        var plan = new TrainPlan(Config);
        var (train, _) = plan.GenerateData();
        var (t, meta) = SafeTensors.Read(Path.Combine(Out("trace"), "trace.safetensors"));
        Assert.Equal([2, 60, 12], t["x"].Shape);
        Assert.Equal([.. train[0].X, .. train[1].X], t["x"].Data);
        Assert.Equal(train.SelectMany(s => s.Y).Select(y => (float)y), t["y"].Data);
        Assert.Equal([0f, 0f, 1f, 1f], t["set_of"].Data);
        Assert.Equal([1f, 3f, 1f, 3f], t["p"].Data);
        Assert.Equal([3, 2, 60], t["order"].Shape);
        var seeds = Trainer.SetSeeds(plan.Networks, plan.DataSets);
        for (int e = 1; e <= 3; e++)
            Assert.Equal(Trainer.EpochOrder(seeds, e, 60).Select(i => (float)i), t["order"].Data.Skip((e - 1) * 120).Take(120));
        Assert.NotEqual(t["order"].Data.Take(60), t["order"].Data.Skip(120).Take(60)); // reshuffled each epoch
        Assert.Equal(("sgd", "exp", "20", "3"), (meta["optimizer"], meta["loss"], meta["batch_size"], meta["epochs"]));

        var (_, theta0, _, _, _) = NetworkFile.Read(Path.Combine(Out("trace"), "theta_00000000.safetensors"));
        Assert.Equal(NetworkBatch.Initialize(plan.Shape, plan.Networks, Config.Init, Config.InitScale), theta0);
        var (_, last, _, _, _) = NetworkFile.Read(Path.Combine(Out("trace"), "theta_00000009.safetensors"));
        var (_, saved, _, _, _) = NetworkFile.Read(Path.Combine(Out("run"), "networks.safetensors"));
        Assert.Equal(saved, last);
    }

    [Fact]
    public void RefusesBadTraceFlagsBeforeAnyWork()
    {
        var (code, _, err) = Gpuprelu.Run([.. Tiny, "--trace", Out("trace"), "--trace-every", "0", "--out", Out("run")]);
        Assert.Equal(2, code);
        Assert.Contains("trace_every must be ≥ 1", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("run")));

        Directory.CreateDirectory(Out("busy"));
        File.WriteAllText(Path.Combine(Out("busy"), "x"), "");
        (code, _, err) = Gpuprelu.Run([.. Tiny, "--trace", Out("busy"), "--out", Out("run")]);
        Assert.Equal(2, code);
        Assert.Contains("trace: ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("run")));
    }
}
