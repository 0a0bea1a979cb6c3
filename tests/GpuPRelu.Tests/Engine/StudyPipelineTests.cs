using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>StudyPipeline runs the phases in order and records each; a resumed run restores a finished phase only when
/// every output it lists is there, else runs it again; every output a study phase lists is one --overwrite knows.</summary>
public sealed class StudyPipelineTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-pipeline-");

    public void Dispose() => _dir.Delete(recursive: true);

    // three phases writing one file each; the state is the log of what ran ("run a") or was restored ("restore a")
    private static readonly string[] Names = ["a", "b", "c"];

    private List<StudyPhase<List<string>>> Phases() => [.. Names.Select(name =>
        new StudyPhase<List<string>>(name, [$"{name}.csv"], log =>
        {
            File.WriteAllText(Path.Combine(_dir.FullName, $"{name}.csv"), name);
            log.Add($"run {name}");
        }) { Restore = log => log.Add($"restore {name}") })];

    [Fact]
    public void FinishedPhasesWithTheirOutputsAreRestoredTheOthersRun()
    {
        var folder = Path.Combine(_dir.FullName, "checkpoint");
        var first = new List<string>();
        var ended = new List<string>();
        StudyPipeline.Run(Phases(), first, _dir.FullName, ended.Add, TestContext.Current.CancellationToken, PhaseRecord.Open(folder, "fig2", new { X = 1 }));
        Assert.Equal(["run a", "run b", "run c"], first);
        Assert.Equal(["a", "b", "c"], ended);
        Assert.Equal(["a", "b", "c"], PhaseRecord.Open(folder, "fig2", new { X = 1 }).Done);

        // b's output lost: b runs again, a and c are read back
        File.Delete(Path.Combine(_dir.FullName, "b.csv"));
        var second = new List<string>();
        StudyPipeline.Run(Phases(), second, _dir.FullName, null, TestContext.Current.CancellationToken, PhaseRecord.Open(folder, "fig2", new { X = 1 }));
        Assert.Equal(["restore a", "run b", "restore c"], second);

        // another configuration or verb: refused, naming the file
        var ex = Assert.Throws<InvalidDataException>(() => PhaseRecord.Open(folder, "fig2", new { X = 2 }));
        Assert.Contains("phases.json was written by fig2 with another configuration", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => PhaseRecord.Open(folder, "fig5", new { X = 1 }));
        File.WriteAllText(Path.Combine(folder, PhaseRecord.FileName), "{\"format\": 3");
        Assert.Contains("not a record of finished phases", Assert.Throws<InvalidDataException>(() => PhaseRecord.Open(folder, "fig2", new { X = 1 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoRecordRunsEveryPhaseAndACancelStopsBeforeTheNext()
    {
        var log = new List<string>();
        StudyPipeline.Run(Phases(), log, _dir.FullName, null, TestContext.Current.CancellationToken);
        StudyPipeline.Run(Phases(), log, _dir.FullName, null, TestContext.Current.CancellationToken);
        Assert.Equal(["run a", "run b", "run c", "run a", "run b", "run c"], log);

        using var cancel = new CancellationTokenSource();
        var phases = Phases();
        phases[0] = phases[0] with { Run = l => { l.Add("run a"); cancel.Cancel(); } };
        var stopped = new List<string>();
        Assert.Throws<OperationCanceledException>(() => StudyPipeline.Run(phases, stopped, _dir.FullName, null, cancel.Token));
        Assert.Equal(["run a"], stopped);
    }

    [Fact]
    public void EveryStudyOutputIsKnownToOverwrite()
    {
        var figure = new StudyConfig { MinRadius = true, Train = new TrainConfig { Save = true } };
        var outputs = StudyPhases.Figure(figure).SelectMany(p => p.Outputs)
            .Concat(RealExperiment.Outputs(new RealConfig { Save = true })).Distinct().ToList();
        Assert.Contains("f_radius_distribution.png", outputs);
        Assert.All(outputs, f => Assert.Contains(f, OutputFolder.KnownOutputs));
        Assert.Contains("checkpoint", OutputFolder.KnownFolders);
    }
}
