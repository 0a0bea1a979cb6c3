using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>Every *Experiment.Run validates its config at the engine boundary, as the CLI does: an invalid config throws
/// ArgumentException naming the broken fields before any work and before it writes into the output folder.</summary>
[Collection(DeviceGroup.Name)]
public sealed class ConfigBoundaryTests(DeviceFixture devices) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-boundary-");

    public void Dispose() => _dir.Delete(recursive: true);

    // each experiment with a config that breaks two rules, and a phrase of each rule's message
    private static Action<ComputeDevice, string> Case(string experiment) => experiment switch
    {
        "train" => (d, o) => TrainExperiment.Run(new TrainConfig { Lr = -1, PositiveSubclasses = 10 }, new RunContext(d, o)),
        "study" => (d, o) => StudyExperiment.Run(new StudyConfig { PgdSteps = 0, Radii = [0.5, 0.2] }, "fig2", "Fig. 2", new RunContext(d, o)),
        "real" => (d, o) => RealExperiment.Run(new RealConfig { Epochs = 0, P = [0.5] }, "mnist", new RunContext(d, o)),
        "attack" => (d, o) => AttackExperiment.Run(new AttackConfig { Model = IdealKind.F, Radii = [0.3, 0.1], N = 0 }, new RunContext(d, o)),
        "evaluate" => (d, o) => EvaluateExperiment.Run(new EvaluateConfig { P = [0.5] }, new RunContext(d, o)),
        _ => throw new ArgumentException(experiment, nameof(experiment)),
    };

    [Theory]
    [InlineData("train", "lr must be > 0", "positive_subclasses must be < subclasses")]
    [InlineData("study", "pgd_steps must be ≥ 1", "radii must be a non-empty increasing list")]
    [InlineData("real", "epochs must be ≥ 1", "p must be ≥ 1")]
    [InlineData("attack", "radii must be a non-empty increasing list", "n must be ≥ 1")]
    [InlineData("evaluate", "network: give the networks file", "p must be ≥ 1")]
    public void RunRefusesAnInvalidConfigBeforeWriting(string experiment, string rule, string otherRule)
    {
        var run = Case(experiment);
        var device = devices.Get("cpu");
        // an output folder that does not exist stays absent; one that exists stays empty (no manifest.json)
        var absent = Path.Combine(_dir.FullName, "absent");
        var empty = Directory.CreateDirectory(Path.Combine(_dir.FullName, "empty")).FullName;
        foreach (var outDir in new[] { absent, empty })
        {
            var ex = Assert.Throws<ArgumentException>(() => run(device, outDir));
            Assert.Equal("config", ex.ParamName);
            Assert.Contains(rule, ex.Message, StringComparison.Ordinal);
            Assert.Contains(otherRule, ex.Message, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(absent));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }
}
