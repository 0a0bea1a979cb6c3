using System.Diagnostics;
using System.Globalization;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>Issue 14 items 5–7: --out targets that cannot be folders, --overwrite clearing what an earlier run wrote,
/// and the lock that keeps two runs out of one folder.</summary>
[Collection(CliGroup.Name)]
public sealed class OutputFolderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-out-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static readonly string[] Train = ["train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.1", "--seeds", "1", "--width", "4", "--epochs", "1", "--n-train", "20", "--n-test", "10", "--batch-size", "10"];

    [Theory]
    [InlineData("file", "is a file; give a folder")]
    [InlineData("file/below", "lies under")]
    [InlineData("", "out: the folder name is empty")]
    [InlineData(" ", "out: the folder name is empty")]
    [InlineData("/proc/gpuprelu-out", "out: cannot create the folder '/proc/gpuprelu-out'")]
    public void TargetsThatCannotBeFoldersAreRefusedWithASentence(string target, string sentence)
    {
        File.WriteAllText(PathOf("file"), "not a folder");
        var path = target.StartsWith("file", StringComparison.Ordinal) ? PathOf(target) : target;
        var (code, _, err) = Gpuprelu.Run([.. Train, "--out", path]);
        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: out: ", line, StringComparison.Ordinal);
        Assert.Contains(sentence, line, StringComparison.Ordinal);
    }

    [Fact]
    public void OverwriteRemovesTheOutputsOfAnEarlierRunAndSaysSo()
    {
        var (code, _, err) = Gpuprelu.Run([.. Train, "--p", "1", "--save", "--out", PathOf("run")]);
        Assert.True(code == 0, err);
        // a fig2 run's outputs, a temporary file a killed write left, and a file of the user's
        foreach (var name in new[] { "alignment.csv", "cosines.csv", "neurons.csv", "c_cosines_p3.png", ".summary.csv.tmp-0123abcd", "notes.txt" })
            File.WriteAllText(Path.Combine(PathOf("run"), name), "earlier");
        string stdout;
        (code, stdout, err) = Gpuprelu.Run([.. Train, "--p", "1,3", "--overwrite", "--out", PathOf("run")]);
        Assert.True(code == 0, err);
        Assert.Contains("overwrite: removed 9 file(s) of an earlier run", stdout, StringComparison.Ordinal);
        Assert.Contains("networks.safetensors", stdout, StringComparison.Ordinal);
        Assert.Contains("kept 1 the tool did not write (notes.txt)", stdout, StringComparison.Ordinal);
        var left = Directory.GetFiles(PathOf("run")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["manifest.json", "notes.txt", "summary.csv", "training.csv"], left);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(PathOf("run"), "summary.csv")).Length);
    }

    [Fact]
    public void ASecondRunIntoAFolderInUseIsRefused()
    {
        using (var held = OutputFolder.Open(PathOf("busy"), overwrite: false))
        {
            Assert.True(File.Exists(Path.Combine(held.Path, OutputFolder.LockName)));
            var (code, _, err) = Gpuprelu.Run([.. Train, "--overwrite", "--out", PathOf("busy")]);
            Assert.Equal(2, code);
            Assert.Contains($"is in use by another run (pid {Environment.ProcessId} on {Environment.MachineName}", err, StringComparison.Ordinal);
            Assert.Throws<OutputFolderException>(() => OutputFolder.Open(PathOf("busy"), overwrite: true));
        }
        // released: the next run gets the folder, and leaves no lock behind
        var (next, _, nextErr) = Gpuprelu.Run([.. Train, "--out", PathOf("busy")]);
        Assert.True(next == 0, nextErr);
        Assert.False(File.Exists(Path.Combine(PathOf("busy"), OutputFolder.LockName)));
    }

    // this process's start time and boot id as the kernel gives them (fields 22 of /proc/self/stat)
    private static (long Started, string Boot) Self()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[19], CultureInfo.InvariantCulture), File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());
    }

    [Theory]
    [InlineData("gone")]
    [InlineData("reused")]
    [InlineData("rebooted")]
    [InlineData("garbled")]
    public void AStaleLockIsTakenOverAndSaid(string kind)
    {
        Directory.CreateDirectory(PathOf("stale"));
        int pid;
        using (var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            child.WaitForExit();
            pid = child.Id;
        }
        var (started, boot) = Self();
        var host = Environment.MachineName;
        var self = Environment.ProcessId;
        var text = kind switch
        {
            // a process that has ended
            "gone" => $"pid {pid}\nhost {host}\nboot {boot}\nstarted 1\n",
            // a live pid with another start time: the pid was reused by another process
            "reused" => string.Create(CultureInfo.InvariantCulture, $"pid {self}\nhost {host}\nboot {boot}\nstarted {started - 1}\n"),
            // the right pid and start time, but written before the machine last booted
            "rebooted" => string.Create(CultureInfo.InvariantCulture, $"pid {self}\nhost {host}\nboot 00000000-0000-0000-0000-000000000000\nstarted {started}\n"),
            _ => "",
        };
        File.WriteAllText(Path.Combine(PathOf("stale"), OutputFolder.LockName), text);
        var said = new List<string>();
        using var folder = OutputFolder.Open(PathOf("stale"), overwrite: false, said.Add);
        Assert.Contains("took over the stale lock", Assert.Single(said), StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}\n", File.ReadAllText(Path.Combine(folder.Path, OutputFolder.LockName)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("current")]
    [InlineData("without start time")]
    [InlineData("older format")]
    public void ALockOfALiveProcessIsRespected(string kind)
    {
        // every way a live holder's lock can read: this format; a start time that could not be read; the format that
        // recorded .NET's StartTime ticks (another clock: only the pid is trusted)
        Directory.CreateDirectory(PathOf("live"));
        var (started, boot) = Self();
        var (pid, host) = (Environment.ProcessId, Environment.MachineName);
        var text = kind switch
        {
            "current" => string.Create(CultureInfo.InvariantCulture, $"pid {pid}\nhost {host}\nboot {boot}\nstarted {started}\n"),
            "without start time" => string.Create(CultureInfo.InvariantCulture, $"pid {pid}\nhost {host}\nboot {boot}\nstarted 0\n"),
            _ => string.Create(CultureInfo.InvariantCulture, $"pid {pid}\nhost {host}\nstarted 639011234567890123\n"),
        };
        File.WriteAllText(Path.Combine(PathOf("live"), OutputFolder.LockName), text);
        var refused = Assert.Throws<OutputFolderException>(() => OutputFolder.Open(PathOf("live"), overwrite: true));
        Assert.Contains($"is in use by another run (pid {pid} on {host}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(Path.Combine(PathOf("live"), OutputFolder.LockName)));
    }

    [Fact]
    public void ALockOfAnotherHostIsRespected()
    {
        Directory.CreateDirectory(PathOf("remote"));
        File.WriteAllText(Path.Combine(PathOf("remote"), OutputFolder.LockName), "pid 1\nhost some-other-machine\nstarted 5\n");
        var refused = Assert.Throws<OutputFolderException>(() => OutputFolder.Open(PathOf("remote"), overwrite: true));
        Assert.Contains("pid 1 on some-other-machine", refused.Message, StringComparison.Ordinal);
        Assert.Contains("delete the lock file if that run is over", refused.Message, StringComparison.Ordinal);
    }
}
