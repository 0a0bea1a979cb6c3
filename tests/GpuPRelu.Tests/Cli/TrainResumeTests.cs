using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu train --checkpoint-minutes M --resume`: a real child process killed with SIGKILL mid-training and
/// resumed writes the same CSVs and networks, byte for byte, as an uninterrupted run.</summary>
[Collection(CliGroup.Name)]
public sealed partial class TrainResumeTests : IDisposable
{
    private const int Epochs = 300;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-resume-");

    // 3 SGD steps an epoch, a checkpoint every epoch: a few seconds in a child process
    private static string[] Train(int epochs = Epochs) =>
    [
        "train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2", "--alpha", "0.1",
        "--p", "1,3", "--seeds", "2", "--width", "8", "--init-scale", "0.01", "--epochs", $"{epochs}", "--batch-size", "20",
        "--n-train", "60", "--n-test", "40", "--log-every", "7", "--save",
    ];

    private static readonly string[] Outputs = ["training.csv", "summary.csv", "networks.safetensors"];

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Kills the child once its checkpoint has passed `killAfter` epochs (early, and deep into the run).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(150)]
    public void KilledAndResumedRunWritesIdenticalOutputs(int killAfter)
    {
        var (code, _, err) = Gpuprelu.Run([.. Train(), "--out", Out("whole")]);
        Assert.True(code == 0, err);

        var killed = Out("killed");
        string[] args = [.. Train(), "--checkpoint-minutes", "0", "--resume", "--out", killed];
        int savedEpoch = KillMidRun(args, Path.Combine(killed, "checkpoint"), killAfter);
        Assert.InRange(savedEpoch, killAfter, Epochs - 1);

        var (again, stdout, err2) = Gpuprelu.Run(args);
        Assert.True(again == 0, err2);
        Assert.Contains($"resuming from {Path.Combine(killed, "checkpoint")}", stdout, StringComparison.Ordinal);
        foreach (var file in Outputs)
            Assert.True(File.ReadAllBytes(Out("whole/" + file)).SequenceEqual(File.ReadAllBytes(Path.Combine(killed, file))), $"{file} differs");
        Assert.Matches("\"resumed_from_epoch\": [1-9]", File.ReadAllText(Path.Combine(killed, "manifest.json")));
    }

    [Fact]
    public void ResumeRefusesAnotherRunsFolderAndAnotherConfig()
    {
        Directory.CreateDirectory(Out("other"));
        File.WriteAllText(Out("other/notes.txt"), "not a run");
        var (code, _, err) = Gpuprelu.Run([.. Train(), "--resume", "--out", Out("other")]);
        Assert.Equal(2, code);
        Assert.Contains("resume: '" + Out("other") + "' is not the folder of a train run", err, StringComparison.Ordinal);

        (code, _, err) = Gpuprelu.Run([.. Train(2), "--resume", "--out", Out("run")]);
        Assert.True(code == 0, err);
        Assert.True(TrainingCheckpoint.Exists(Out("run/checkpoint")));
        (code, _, err) = Gpuprelu.Run([.. Train(2), "--lr", "0.3", "--resume", "--out", Out("run")]);
        Assert.Equal(2, code);
        Assert.Contains("was written for another batch: its options differ", err, StringComparison.Ordinal);

        (code, _, err) = Gpuprelu.Run([.. Train(), "--checkpoint-minutes", "-1", "--out", Out("bad")]);
        Assert.Equal(2, code);
        Assert.Contains("checkpoint_minutes must be ≥ 0, got -1", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void OverwriteStartsAfreshInsteadOfResuming()
    {
        var (code, _, err) = Gpuprelu.Run([.. Train(2), "--checkpoint-minutes", "0", "--out", Out("run")]);
        Assert.True(code == 0, err);
        (code, var stdout, err) = Gpuprelu.Run([.. Train(2), "--lr", "0.3", "--checkpoint-minutes", "0", "--overwrite", "--out", Out("run")]);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("resuming", stdout, StringComparison.Ordinal);
        Assert.Contains("lr 0.3,", File.ReadAllText(Out("run/checkpoint/checkpoint.json")), StringComparison.Ordinal);
    }

    /// <summary>Starts `gpuprelu args` as a child process, sends it SIGKILL once its checkpoint is past `killAfter` epochs,
    /// and returns the epoch of the checkpoint it left.</summary>
    private static int KillMidRun(string[] args, string checkpoint, int killAfter)
    {
        using var child = Gpuprelu.Start(args);
        var clock = Stopwatch.StartNew();
        while (SavedEpoch(checkpoint) < killAfter)
        {
            Assert.False(child.HasExited, $"the child exited (code {(child.HasExited ? child.ExitCode : 0)}) before its checkpoint reached epoch {killAfter}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no checkpoint within 2 minutes");
            Thread.Sleep(10);
        }
        child.Kill(entireProcessTree: true); // SIGKILL on Unix
        child.WaitForExit();
        return SavedEpoch(checkpoint);
    }

    private static int SavedEpoch(string checkpoint)
    {
        var path = Path.Combine(checkpoint, TrainingCheckpoint.FileName);
        if (!File.Exists(path))
            return -1;
        var match = EpochField().Match(File.ReadAllText(path));
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    [GeneratedRegex("\"epoch\": (\\d+),")]
    private static partial Regex EpochField();
}
