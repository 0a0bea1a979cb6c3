using System.Diagnostics;
using System.Globalization;
using GpuPRelu.Experiments;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu fig2 | probe --checkpoint-minutes M --resume`: a real child process killed with SIGKILL during the
/// training or between two phases, then resumed, writes the same CSVs and networks, byte for byte, as an uninterrupted
/// run (the manifest aside: its times differ); a resume with another configuration or into another verb's folder is
/// refused, and --overwrite clears a checkpoint.</summary>
[Collection(CliGroup.Name)]
public sealed class StudyResumeTests : IClassFixture<StudyResumeTests.Reference>, IDisposable
{
    private readonly Reference _reference;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-study-resume-");

    public StudyResumeTests(Reference reference) => _reference = reference;

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    // a small fig2: 4 networks, 200 epochs of 3 steps, snapshots for the dynamics, the networks saved, min_radius on;
    // the attack and the distance long enough to be killed between the phases
    private static string[] Fig2 { get; } =
    [
        "fig2", "--preset", "quick", "--seed", "0", "--input-dim", "20", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.05,0.1", "--seeds", "1", "--width", "8", "--n-train", "60", "--n-test", "60", "--epochs", "200",
        "--batch-size", "20", "--pgd-steps", "1500", "--pgd-points", "40", "--radii", "0:1:4", "--dist-starts", "40",
        "--dist-steps", "1000", "--dist-repeats", "2", "--dist-scale-samples", "500", "--snapshots", "10", "--save",
        "--min-radius", "--device", "cpu",
    ];

    private static string[] Probe(string features) =>
    [
        "probe", "--features", features, "--layer-norm", "--p", "1,3", "--repeats", "2", "--width", "16", "--epochs", "150",
        "--batch-size", "40", "--lr", "0.01", "--attack-points", "30", "--radii", "0,0.1,0.3", "--attack-iterations", "60",
        "--save", "--device", "cpu",
    ];

    private static readonly string[] Fig2Outputs =
    [
        "training.csv", "summary.csv", "dynamics.csv", "networks.safetensors", "neurons.csv", "cosines.csv", "alignment.csv",
        "robust_accuracy.csv", "min_radius.csv", "distance.csv",
    ];

    private static readonly string[] ProbeOutputs = ["training.csv", "networks.safetensors", "robust_accuracy.csv", "summary.csv"];

    /// <summary>The uninterrupted runs, once for the class (no checkpoints).</summary>
    public sealed class Reference : IDisposable
    {
        public Reference()
        {
            Features = Path.Combine(Dir.FullName, "features.csv");
            WriteFeatures(Features);
            var (code, _, err) = Gpuprelu.Run([.. Fig2, "--out", Fig2Folder]);
            Assert.True(code == 0, err);
            (code, _, err) = Gpuprelu.Run([.. Probe(Features), "--out", ProbeFolder]);
            Assert.True(code == 0, err);
        }

        public DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("gpuprelu-study-ref-");
        public string Features { get; }
        public string Fig2Folder => Path.Combine(Dir.FullName, "fig2");
        public string ProbeFolder => Path.Combine(Dir.FullName, "probe");

        public void Dispose() => Dir.Delete(recursive: true);

        // three Gaussian classes in 10 features, fixed seed
        private static void WriteFeatures(string path)
        {
            var rng = new System.Random(3);
            var lines = new List<string> { "label," + string.Join(",", Enumerable.Range(0, 10).Select(f => $"f{f}")) };
            for (int n = 0; n < 300; n++)
            {
                int y = n * 3 / 300;
                var noise = NetworkCase.Normal(rng, 10, 0.3);
                lines.Add(y + "," + string.Join(",", Enumerable.Range(0, 10).Select(f => ((f == 2 * y ? 3.0 : 0.0) + noise[f]).ToString("R", CultureInfo.InvariantCulture))));
            }
            File.WriteAllLines(path, lines);
        }
    }

    /// <summary>Kill points: during the training (its checkpoint past epoch 20; the dynamics' snapshots so far are kept
    /// beside it), and once a phase is recorded as finished (the next one running).</summary>
    [Theory]
    [InlineData("training")]
    [InlineData("alignment")]
    [InlineData("exact_radii")]
    [InlineData("min_radius")]
    public void Fig2KilledAndResumedWritesIdenticalOutputs(string killAfter)
    {
        var dir = Out($"fig2-{killAfter}");
        string[] args = [.. Fig2, "--checkpoint-minutes", "0", "--resume", "--out", dir];
        KillAt(args, dir, killAfter);
        var (code, stdout, err) = Gpuprelu.Run(args);
        Assert.True(code == 0, err);
        Assert.Contains($"resuming from {Path.Combine(dir, "checkpoint")}", stdout, StringComparison.Ordinal);
        AssertSame(_reference.Fig2Folder, dir, Fig2Outputs);
        var manifest = File.ReadAllText(Path.Combine(dir, "manifest.json"));
        Assert.Contains("\"resumed_from_epoch\":", manifest, StringComparison.Ordinal);
        if (killAfter != "training")
            Assert.Contains($"\"{killAfter}\"", manifest[manifest.IndexOf("\"kept_phases\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        // the fields that keep the run are in the manifest's config
        Assert.Contains("\"checkpoint_minutes\": 0", manifest, StringComparison.Ordinal);
        Assert.Contains("\"save\": true", manifest, StringComparison.Ordinal);
        Assert.Contains("\"min_radius\": true", manifest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("training")]
    [InlineData("train")]
    public void ProbeKilledAndResumedWritesIdenticalOutputs(string killAfter)
    {
        var dir = Out($"probe-{killAfter}");
        string[] args = [.. Probe(_reference.Features), "--checkpoint-minutes", "0", "--resume", "--out", dir];
        KillAt(args, dir, killAfter);
        var (code, stdout, err) = Gpuprelu.Run(args);
        Assert.True(code == 0, err);
        Assert.Contains("resuming from", stdout, StringComparison.Ordinal);
        AssertSame(_reference.ProbeFolder, dir, ProbeOutputs);
    }

    [Fact]
    public void ResumeRefusesAnotherConfigurationAndAnotherVerbsFolder()
    {
        var dir = Out("short");
        string[] args = [.. With(Fig2, ("--epochs", "5"), ("--pgd-steps", "10"), ("--dist-steps", "10")), "--checkpoint-minutes", "0", "--out", dir];
        var (code, _, err) = Gpuprelu.Run(args);
        Assert.True(code == 0, err);
        Assert.True(PhaseRecord.Exists(Path.Combine(dir, "checkpoint")) && TrainingCheckpoint.Exists(Path.Combine(dir, "checkpoint")));

        // the finished phases were measured with 10 PGD steps: 11 would mix two configurations in one folder
        (code, _, err) = Gpuprelu.Run([.. With(args, ("--pgd-steps", "11")), "--resume"]);
        Assert.Equal(2, code);
        Assert.Contains("phases.json was written by fig2 with another configuration", err, StringComparison.Ordinal);

        (code, _, err) = Gpuprelu.Run([.. Probe(_reference.Features), "--resume", "--out", dir]);
        Assert.Equal(2, code);
        Assert.Contains($"resume: '{dir}' is not the folder of a probe run", err, StringComparison.Ordinal);

        (code, _, err) = Gpuprelu.Run([.. Fig2, "--checkpoint-minutes", "-1", "--out", Out("bad")]);
        Assert.Equal(2, code);
        Assert.Contains("checkpoint_minutes must be ≥ 0, got -1", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));

        // --overwrite starts afresh: the checkpoint is among what it removes
        (code, var stdout, err) = Gpuprelu.Run([.. args, "--overwrite"]);
        Assert.True(code == 0, err);
        Assert.Contains("checkpoint/", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("resuming", stdout, StringComparison.Ordinal);
    }

    // `args` with the value after each flag replaced
    private static string[] With(string[] args, params (string Flag, string Value)[] changes)
    {
        var copy = args.ToArray();
        foreach (var (flag, value) in changes)
            copy[Array.IndexOf(copy, flag) + 1] = value;
        return copy;
    }

    private static void AssertSame(string expected, string actual, IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            Assert.True(File.Exists(Path.Combine(expected, file)), $"{file} missing in the reference");
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))),
                $"{file} differs from the uninterrupted run's");
        }
    }

    /// <summary>Starts `gpuprelu args` as a child process and sends it SIGKILL at `point`: "training" once its checkpoint
    /// is past epoch 20, else once phase `point` is recorded as finished.</summary>
    private static void KillAt(string[] args, string dir, string point)
    {
        using var child = Gpuprelu.Start(args);
        var checkpoint = Path.Combine(dir, "checkpoint");
        var clock = Stopwatch.StartNew();
        while (!Reached(checkpoint, point))
        {
            Assert.False(child.HasExited, $"the child exited (code {(child.HasExited ? child.ExitCode : 0)}) before {point}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{point} not reached within 2 minutes");
            Thread.Sleep(2);
        }
        child.Kill(entireProcessTree: true); // SIGKILL on Unix
        child.WaitForExit();
    }

    private static bool Reached(string checkpoint, string point)
    {
        try
        {
            if (point == "training")
            {
                var json = Path.Combine(checkpoint, TrainingCheckpoint.FileName);
                return File.Exists(json) && System.Text.RegularExpressions.Regex.Match(File.ReadAllText(json), "\"epoch\": (\\d+),") is { Success: true } m
                    && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 20;
            }
            var record = Path.Combine(checkpoint, PhaseRecord.FileName);
            return File.Exists(record) && File.ReadAllText(record).Contains($"\"{point}\"", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // replaced while read
        }
    }
}
