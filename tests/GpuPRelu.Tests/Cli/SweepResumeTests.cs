using System.Diagnostics;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>The sweep's identities: a sweep killed with SIGKILL at fixed points (a real child process, `dotnet gpuprelu.dll
/// sweep …`) and resumed writes the same bytes as an uninterrupted one; N shard processes run at once and merged write the
/// same bytes as the unsharded sweep; a merge refuses missing and foreign shards; two devices write what one writes. The
/// runs that need no second process (the reference, the resumes, the refusals) run in process.</summary>
[Collection(CliGroup.Name)]
public sealed class SweepResumeTests : IClassFixture<SweepResumeTests.Reference>, IDisposable
{
    private readonly Reference _reference;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-resume-");

    public SweepResumeTests(Reference reference) => _reference = reference;

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>The uninterrupted, unsharded sweep of SweepCase, run once for the class.</summary>
    public sealed class Reference : IDisposable
    {
        public Reference()
        {
            Config = SweepCase.WriteConfig(Dir.FullName);
            var (code, _, err) = Gpuprelu.Run("sweep", "--config", Config, "--devices", "cpu", "--out", Folder);
            Assert.True(code == 0, err);
        }

        public DirectoryInfo Dir { get; } = Directory.CreateTempSubdirectory("gpuprelu-sweep-ref-");
        public string Config { get; }
        public string Folder => Path.Combine(Dir.FullName, "ref");

        public void Dispose() => Dir.Delete(recursive: true);
    }

    // the points where the run is killed: while the first batch runs (its temporary folder exists, nothing committed),
    // after 2 and 4 of the 6 batches were committed (the ledger's lines), and (committed −1) as soon as a batch's training
    // wrote a checkpoint (every epoch), which the resumed run continues from
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(-1)]
    public void KilledAndResumedSweepWritesTheSameBytes(int committed)
    {
        var dir = Out($"killed-{committed}");
        using (var p = ChildRun.Start("sweep", "--config", _reference.Config, "--devices", "cpu", "--out", dir, "--checkpoint-minutes", committed < 0 ? "0" : "10"))
        {
            var ledger = Path.Combine(dir, "ledger.jsonl");
            var batches = Path.Combine(dir, "batches");
            var checkpoints = Path.Combine(dir, "checkpoints");
            var clock = Stopwatch.StartNew();
            bool Reached() => committed switch
            {
                < 0 => Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "checkpoint.json", SearchOption.AllDirectories).Any(),
                0 => Directory.Exists(batches) && Directory.EnumerateDirectories(batches, ".*").Any(),
                _ => File.Exists(ledger) && File.ReadAllLines(ledger).Length >= committed,
            };
            while (!Reached() && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(2);
            Assert.False(p.HasExited, "the sweep ended before the kill point");
            p.Kill();
            p.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(dir, "summary.csv")));
        int before = File.Exists(Path.Combine(dir, "ledger.jsonl")) ? File.ReadAllLines(Path.Combine(dir, "ledger.jsonl")).Length : 0;
        Assert.InRange(before, Math.Max(0, committed), 5);
        var (code, _, err) = Gpuprelu.Run("sweep", "--resume", dir, "--devices", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains($"{before}/6 batches done", err, StringComparison.Ordinal);
        SweepCase.AssertSameOutputs(_reference.Folder, dir);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(dir, "batches"), ".*"));
        Assert.True(!Directory.Exists(Path.Combine(dir, "checkpoints")) || !Directory.EnumerateDirectories(Path.Combine(dir, "checkpoints")).Any());
        if (committed < 0)
        {
            // the batch in flight continued from its checkpoint instead of starting over
            var resumed = Directory.EnumerateFiles(Path.Combine(dir, "batches"), "batch.json", SearchOption.AllDirectories)
                .Count(f => !File.ReadAllText(f).Contains("\"resumed_from_epoch\":0", StringComparison.Ordinal));
            Assert.True(resumed >= 1, "no batch resumed from a checkpoint");
        }
    }

    [Fact]
    public void ResumeRefusesAFolderOfAnotherPlan()
    {
        var (code, _, err) = Gpuprelu.Run("sweep", "--config", _reference.Config, "--epochs", "9", "--resume", _reference.Folder, "--devices", "cpu");
        Assert.Equal(2, code);
        Assert.Contains($"resume: '{_reference.Folder}' holds plan", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardsMergedEqualTheUnshardedSweep()
    {
        // three shard processes at once, as a job array would run them
        var shards = Enumerable.Range(0, 3).Select(i => Out($"shard{i}")).ToList();
        var procs = shards.Select((dir, i) => ChildRun.Start("sweep", "--config", _reference.Config, "--devices", "cpu", "--out", dir, "--shard", $"{i}/3")).ToList();
        foreach (var p in procs)
        {
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
            p.Dispose();
        }
        Assert.All(shards, s => Assert.InRange(File.ReadAllLines(Path.Combine(s, "ledger.jsonl")).Length, 1, 4));

        // two of three: refused, naming the missing batches; a shard of another plan: refused, naming the folder
        var (code, _, err2) = Gpuprelu.Run("merge", "--out", Out("partial"), shards[0], shards[1]);
        Assert.Equal(2, code);
        Assert.Contains("are in none of the 2 shard folders: b000", err2, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("partial")));
        var (foreignCode, _, foreignErr) = Gpuprelu.Run("sweep", "--config", _reference.Config, "--grid", "width=8,16", "--devices", "cpu", "--out", Out("foreign"), "--shard", "0/3");
        Assert.True(foreignCode == 0, foreignErr);
        (code, _, err2) = Gpuprelu.Run("merge", "--out", Out("mixed"), shards[0], Out("foreign"));
        Assert.Equal(2, code);
        Assert.Contains($"'{Out("foreign")}' holds plan", err2, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("mixed")));

        (code, _, err2) = Gpuprelu.Run(["merge", "--out", Out("merged"), .. shards]);
        Assert.True(code == 0, err2);
        SweepCase.AssertSameOutputs(_reference.Folder, Out("merged"));
    }

    [Fact]
    public void SlurmArrayTasksFromOneShareTheBatches()
    {
        // an array 1-2 (ids from 1): task 2 is shard 1/2
        var info = ChildRun.Info("sweep", "--config", _reference.Config, "--plan", "--rate", "1");
        info.Environment["SLURM_ARRAY_TASK_ID"] = "2";
        info.Environment["SLURM_ARRAY_TASK_MIN"] = "1";
        info.Environment["SLURM_ARRAY_TASK_COUNT"] = "2";
        using var p = ChildRun.Start(info);
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("on 2 shard(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoDevicesWriteWhatOneWrites()
    {
        // ILGPU's CPU accelerator as two stand-in GPUs, against one of them alone, on a 2-batch slice of the sweep
        string[] slice = ["--grid", "width=8,16", "--input-dim", "20", "--epochs", "4", "--phases", "train,alignment"];
        var (code, _, err) = Gpuprelu.Run(["sweep", "--config", _reference.Config, "--devices", "ilgpu-cpu:0", "--out", Out("one"), .. slice]);
        Assert.True(code == 0, err);
        (code, _, err) = Gpuprelu.Run(["sweep", "--config", _reference.Config, "--devices", "ilgpu-cpu:0,ilgpu-cpu:1", "--out", Out("two"), .. slice]);
        Assert.True(code == 0, err);
        SweepCase.AssertSameOutputs(Out("one"), Out("two"));
        var devices = File.ReadAllLines(Path.Combine(Out("two"), "ledger.jsonl")).Select(l => l.Contains("ilgpu-cpu:1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, devices.Count);
    }
}
