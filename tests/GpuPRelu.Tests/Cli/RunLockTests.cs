using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>The lock of the verbs that continue a folder, between two real processes: a live sweep refuses a second
/// sweep (--resume or not) and a merge into its folder, a live train run refuses `train --resume`; each refusal exits 2
/// and leaves the holder's files (its temporary batch folder, its checkpoint) where they were. Also the device's memory
/// plan, made before the output folder exists.</summary>
[Collection(CliGroup.Name)]
public sealed class RunLockTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-runlock-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] Grid = ["--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.1", "--seeds", "1", "--width", "4", "--n-train", "20", "--n-test", "10", "--batch-size", "10"];

    // every file and folder under `folder`, with its last write time
    private static Dictionary<string, DateTime> Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Directory.Exists(f) ? Directory.GetLastWriteTimeUtc(f) : File.GetLastWriteTimeUtc(f));

    [Fact]
    public void ALiveSweepRefusesASecondSweepAndAMergeIntoItsFolder()
    {
        var folder = Path.Combine(_dir.FullName, "sweep");
        // one batch that trains for hours (p 1, 3 at width 4), no attack
        string[] sweep = ["sweep", "--grid", "p=1,3", .. Grid, "--epochs", "100000000", "--phases", "train", "--pgd-points", "5"];
        var (child, _) = ChildRun.StartUntil("sweep ", [.. sweep, "--out", folder]);
        int holder = child.Id;
        using (child)
        {
            try
            {
                // the batch's temporary folder exists once it trains
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var batches = Path.Combine(folder, "batches");
                while (!(Directory.Exists(batches) && Directory.EnumerateDirectories(batches, ".*").Any()) && clock.Elapsed < ChildRun.Patience)
                    Thread.Sleep(50);
                var before = Entries(folder);
                Assert.Contains(before.Keys, k => k.StartsWith($"batches{Path.DirectorySeparatorChar}.", StringComparison.Ordinal));
                foreach (var second in new[] { (string[])[.. sweep, "--resume", folder], ["sweep", "--resume", folder, "--devices", "cpu"] })
                {
                    var (code, _, err) = Gpuprelu.Run(second);
                    Assert.Equal(2, code);
                    Assert.Contains($"is in use by another run (pid {holder}", err, StringComparison.Ordinal);
                }
                Assert.False(child.HasExited, "the holder stopped");
                // nothing the holder had was removed (it may have written more since)
                Assert.All(before.Keys, name => Assert.True(Path.Exists(Path.Combine(folder, name)), $"{name} was removed"));
            }
            finally
            {
                ChildRun.Signal(child, "KILL");
                child.WaitForExit();
            }
        }
    }

    [Fact]
    public void TrainResumeRefusesTheFolderOfALiveRun()
    {
        var folder = Path.Combine(_dir.FullName, "train");
        string[] train = ["train", .. Grid, "--epochs", "100000000", "--checkpoint-minutes", "0", "--out", folder];
        var (child, _) = ChildRun.StartUntil("epoch 0 step 0", train);
        int holder = child.Id;
        using (child)
        {
            try
            {
                var checkpoint = Path.Combine(folder, "checkpoint");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!Directory.Exists(checkpoint) && clock.Elapsed < ChildRun.Patience)
                    Thread.Sleep(50);
                var (code, stdout, err) = Gpuprelu.Run([.. train, "--resume"]);
                Assert.Equal(2, code);
                Assert.Contains($"is in use by another run (pid {holder}", err, StringComparison.Ordinal);
                Assert.DoesNotContain("resuming", stdout, StringComparison.Ordinal);
                Assert.True(Directory.Exists(checkpoint), "the live run's checkpoint was removed");
                Assert.False(child.HasExited, "the holder stopped");
            }
            finally
            {
                ChildRun.Signal(child, "KILL");
                child.WaitForExit();
            }
        }
        // the holder is gone: --resume takes the stale lock over and continues from its checkpoint
        var (_, againOut, _) = Gpuprelu.Run(["train", .. Grid, "--epochs", "2", "--checkpoint-minutes", "0", "--out", folder, "--resume"]);
        Assert.Contains($"took over the stale lock of pid {holder}", againOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, OutputFolder.LockName)));
    }

    [Fact]
    public void AMergeLocksItsOutAndRefusesAFileAsAShard()
    {
        var file = Path.Combine(_dir.FullName, "not-a-folder.txt");
        File.WriteAllText(file, "x");
        var (code, _, err) = Gpuprelu.Run("merge", "--out", Path.Combine(_dir.FullName, "merged"), file);
        Assert.Equal(2, code);
        Assert.Contains($"merge: '{file}' is a file; give the shard folders", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "merged")));
    }

    // a step of 100000 rows of 2 networks at width 1000000 needs terabytes: refused from the sizes, before --out exists
    // (the data and the parameters alone fit, so no host-side rule refuses it first)
    [Theory]
    [InlineData("train")]
    [InlineData("fig2")]
    public void TheDeviceMemoryPlanRunsBeforeTheOutputFolderExists(string verb)
    {
        var folder = Path.Combine(_dir.FullName, $"plan-{verb}");
        string[] args = [verb, .. Grid[..12], "--width", "1000000", "--n-train", "100000", "--n-test", "10", "--batch-size", "100000",
            "--epochs", "1", .. verb == "fig2" ? ["--preset", "quick", "--pgd-points", "5"] : Array.Empty<string>(), "--out", folder];
        var (code, _, err) = Gpuprelu.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("training step: 2 network(s) of D 12, H 1000000", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "the output folder was created before the plan refused the run");
    }
}
