using System.Diagnostics;
using System.Text.Json;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>Issue 14 item 8: a real `gpuprelu` child process sent SIGINT or SIGTERM (kill) stops at the next step, writes
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

    [Fact]
    public void ASecondSigintEndsTheProcessAtOnce()
    {
        // the attack of the ideal classifiers does not poll the token: only the second signal can end it
        var (child, _) = ChildRun.StartUntil("device", "attack", "--model", "F", "--device", "cpu", "--n", "2000", "--steps", "1000000",
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
}
