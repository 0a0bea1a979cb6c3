using System.Diagnostics;
using System.Text.Json;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>A real `gpuprelu` child process sent SIGINT or SIGTERM (kill) stops at the next step, writes
/// what is complete, marks the manifest "cancelled", prints one line and exits 130 / 143; a second SIGINT ends it at once.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-signal-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string[] LongTrain(string outDir) => ["train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.1", "--seeds", "1", "--width", "4", "--epochs", "100000000", "--n-train", "20", "--n-test", "10", "--batch-size", "10",
        "--out", Path.Combine(_dir.FullName, outDir)];

    [Theory]
    [InlineData("INT", 130, "SIGINT")]
    [InlineData("TERM", 143, "SIGTERM")]
    public async Task ASignalCancelsTheRunWritingWhatIsComplete(string signal, int exitCode, string name)
    {
        var (child, err) = ChildRun.StartUntil("epoch 0 step 0", LongTrain(signal));
        using (child)
        {
            ChildRun.Signal(child, signal);
            Assert.True(child.WaitForExit(ChildRun.Patience), "the child did not stop after the signal");
            Assert.Equal(exitCode, child.ExitCode);
            var line = Assert.Single((await err).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"cancelled by {name}", line, StringComparison.Ordinal);
        }
        var folder = Path.Combine(_dir.FullName, signal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal("cancelled", manifest.RootElement.GetProperty("status").GetString());
        // summary.csv: one row per network (p 1 and 3) at the last logged epoch; training.csv: whole rows only
        var summary = File.ReadAllLines(Path.Combine(folder, "summary.csv"));
        Assert.Equal(3, summary.Length);
        var training = File.ReadAllLines(Path.Combine(folder, "training.csv"));
        Assert.All(training, l => Assert.Equal(training[0].Count(c => c == ','), l.Count(c => c == ',')));
        Assert.False(File.Exists(Path.Combine(folder, ".gpuprelu.lock")));
    }

    // a sequence cancelled in its second attack: the first one's rows are written (none of the whole sequence), the
    // manifest says cancelled
    [Fact]
    public async Task ACancelledSequenceWritesTheAttacksThatFinished()
    {
        var folder = Path.Combine(_dir.FullName, "sequence");
        var (child, err) = ChildRun.StartUntil("square:", "attack", "--model", "F", "--attack", "square,apgd-ce", "--norm", "linf", "--queries", "10",
            "--steps", "1000000", "--n", "200", "--device", "cpu", "--out", folder);
        using (child)
        {
            ChildRun.Signal(child, "INT");
            Assert.True(child.WaitForExit(ChildRun.Patience), "the child did not stop after the signal");
            Assert.Equal(130, child.ExitCode);
            Assert.Contains("cancelled by SIGINT", await err, StringComparison.Ordinal);
        }
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal("cancelled", manifest.RootElement.GetProperty("status").GetString());
        var rows = File.ReadAllLines(Path.Combine(folder, "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(15, rows.Count);
        Assert.All(rows, r => Assert.Equal("square", r[5]));
    }

    [Fact]
    public void ASecondSigintEndsTheProcessAtOnce()
    {
        // the exact radii of F^(3) on many points poll no token (a host computation per point): only the second signal
        // can end them
        var (child, _) = ChildRun.StartUntil("exact radii", "attack", "--model", "Fp", "--p", "3", "--device", "cpu", "--n", "20000", "--steps", "1",
            "--out", Path.Combine(_dir.FullName, "attack"));
        using (child)
        {
            ChildRun.Signal(child, "INT");
            Assert.False(child.WaitForExit(TimeSpan.FromSeconds(1)), "the first SIGINT should only ask the run to stop");
            ChildRun.Signal(child, "INT");
            Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)), "the second SIGINT did not end the process");
            Assert.Equal(130, child.ExitCode);
        }
    }

    // the attacks (and the certification) that ran for minutes after a signal: each stops at its next step, marks the
    // manifest and exits 130 / 143 (without the token they would run for hours: a million PGD steps, a hundred thousand
    // Square queries, 3e6 steps)
    [Theory]
    [InlineData("INT", 130, "attack", "--model", "F", "--n", "200", "--steps", "1000000")]
    [InlineData("TERM", 143, "attack", "--model", "F", "--n", "200", "--steps", "1000000")]
    [InlineData("TERM", 143, "attack", "--model", "F", "--attack", "standard", "--norm", "linf", "--queries", "100000", "--steps", "100000", "--n", "200")]
    [InlineData("INT", 130, "fig2", "--preset", "quick", "--epochs", "1", "--pgd-steps", "3000000")]
    // the bound's branch and bound polls at every branch (p = 3, 4096 branches: minutes without the token)
    [InlineData("INT", 130, "certify", "--model", "Fp", "--p", "3", "--n", "2000", "--branches", "4096")]
    public async Task ASignalStopsAnAttackAtItsNextStep(string signal, int exitCode, params string[] args)
    {
        var folder = Path.Combine(_dir.FullName, $"{args[0]}-{signal}-{args.Length}");
        var (child, err) = ChildRun.StartUntil(args[0] == "fig2" ? "attacking" : "device", [.. args, "--device", "cpu", "--out", folder]);
        using (child)
        {
            // the attack has begun once the manifest says "running"
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(folder, "manifest.json")) && clock.Elapsed < ChildRun.Patience)
                Thread.Sleep(50);
            Thread.Sleep(500);
            ChildRun.Signal(child, signal);
            Assert.True(child.WaitForExit(ChildRun.Patience), "the child did not stop after the signal");
            Assert.Equal(exitCode, child.ExitCode);
            Assert.Contains("cancelled by SIG", await err, StringComparison.Ordinal);
        }
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal("cancelled", manifest.RootElement.GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(folder, ".gpuprelu.lock")));
        if (args[0] == "fig2")
        {
            // what was complete before the attack is kept: training and alignment
            Assert.True(File.Exists(Path.Combine(folder, "training.csv")));
            Assert.True(File.Exists(Path.Combine(folder, "alignment.csv")));
        }
    }
}
