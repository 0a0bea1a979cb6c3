using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>The output folder's lock between two real processes: a second run at the folder of a live run is refused
/// (with or without --overwrite) and leaves the live run's files alone; once the holder is killed with -9, the next run
/// takes the lock over and says so.</summary>
[Collection(CliGroup.Name)]
public sealed class LockTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-lock-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] Grid = ["--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.1", "--seeds", "1", "--width", "4", "--n-train", "20", "--n-test", "10", "--batch-size", "10"];

    // the holder trains for hours; the second run would take a second
    private static string[] Run(string verb, string epochs, string outDir, params string[] more) =>
        [verb, .. Grid, "--epochs", epochs, .. verb == "train" ? Array.Empty<string>() : ["--radii", "0.1", "--pgd-points", "5", "--dist-starts", "1"],
            "--out", outDir, .. more];

    private static Dictionary<string, DateTime> Files(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.GetLastWriteTimeUtc);

    [Theory]
    [InlineData("train")]
    [InlineData("fig2")]
    public void ASecondRunAtALiveRunsFolderIsRefusedAndTheHoldersFilesAreKept(string verb)
    {
        var folder = Path.Combine(_dir.FullName, verb);
        var (child, _) = ChildRun.StartUntil(verb == "train" ? "epoch 0 step 0" : "training 2 networks", Run(verb, "100000000", folder));
        int holder = child.Id;
        using (child)
        {
            try
            {
                var lockText = File.ReadAllText(Path.Combine(folder, OutputFolder.LockName));
                var before = Files(folder);
                foreach (var overwrite in new[] { false, true })
                {
                    var (code, stdout, err) = Gpuprelu.Run(Run(verb, "1", folder, overwrite ? ["--overwrite"] : []));
                    Assert.Equal(2, code);
                    Assert.Contains($"is in use by another run (pid {holder} on {Environment.MachineName}", err, StringComparison.Ordinal);
                    Assert.DoesNotContain("removed", stdout, StringComparison.Ordinal);
                    Assert.DoesNotContain("took over", stdout, StringComparison.Ordinal);
                }
                Assert.Equal(lockText, File.ReadAllText(Path.Combine(folder, OutputFolder.LockName)));
                // every file the holder had is still there (it may have written more since)
                Assert.All(before.Keys, name => Assert.True(File.Exists(Path.Combine(folder, name)), $"{name} was removed"));
                Assert.False(child.HasExited, "the holder stopped");
            }
            finally
            {
                ChildRun.Signal(child, "KILL");
                child.WaitForExit();
            }
        }
        // the holder is gone: its lock is stale, taken over and said
        var (next, nextOut, nextErr) = Gpuprelu.Run(Run(verb, "1", folder, "--overwrite"));
        Assert.True(next == 0, nextErr);
        Assert.Contains($"out: took over the stale lock of pid {holder}", nextOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, OutputFolder.LockName)));
    }
}
