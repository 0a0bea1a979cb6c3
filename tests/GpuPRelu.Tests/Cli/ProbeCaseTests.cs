using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>Bad inputs a new user tried: each command line ends with its exit code and a line naming the field or the
/// folder and the rule, before any work (sizes counted before a list is expanded, duplicates, negative bounds, an --out
/// that is a file or the root); a sweep judges only the keys of the phases it runs; --overwrite knows every output.</summary>
[Collection(CliGroup.Name)]
public sealed class ProbeCaseTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-probe-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] Small = ["--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--seeds", "1", "--width", "4", "--epochs", "1", "--n-train", "20", "--n-test", "10", "--batch-size", "10"];

    // {dir} is this test's folder, {file} a file in it
    public static TheoryData<string[], int, string> Cases => new()
    {
        // sizes: a start:stop:count list is refused from its count, before a value is made
        { ["train", .. Small, "--alpha", "0.01:0.3:100000000", "--out", "{dir}/out"], 2, "alpha: '0.01:0.3:100000000' asks for 100000000 values; at most 100000" },
        { ["fig2", "--preset", "quick", "--device", "cpu", "--radii", "0:1:1000000000", "--out", "{dir}/out"], 2, "radii: '0:1:1000000000' asks for 1000000000 values" },
        { ["train", "--device", "cpu", "--width", "99999999999", "--out", "{dir}/out"], 2, "width: '99999999999' is out of range" },
        // duplicates: α as p
        { ["train", .. Small, "--alpha", "0.1,0.1", "--out", "{dir}/out"], 2, "alpha must not repeat a value" },
        // the sweep's own numbers
        { ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--pgd-points", "5", "--plan", "--rate", "-1"], 2, "rate must be > 0 GFLOP/s and finite, got -1" },
        { ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--pgd-points", "5", "--max-networks", "-1", "--out", "{dir}/out"], 2, "max_networks must be ≥ 1, got -1" },
        // minutes past TimeSpan's range: refused as the study verbs refuse them, not an overflow after the folder exists
        { ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--pgd-points", "5", "--checkpoint-minutes", "1e300", "--out", "{dir}/out"], 2, "checkpoint_minutes must be ≥ 0, got 1E+300" },
        // seeds is a count: not an axis, and counted before its axis is made
        { ["sweep", "--grid", "seeds=1,2", "--device", "cpu", "--pgd-points", "5", "--n-test", "10", "--plan", "--rate", "1"], 2, "seeds: seeds sweeps the number of seeds" },
        { ["sweep", "--grid", "p=1,3", "--seeds", "2000000000", "--plan", "--rate", "1"], 2, "seeds: 2000000000 seeds per network; at most 100000" },
        // sizes of the other verbs, planned before the data is read (mnist) or made, or once a feature table is read
        { ["mnist", "--device", "cpu", "--width", "1000000000", "--out", "{dir}/out"], 2, "width 1000000000, classes 2: the parameters would hold 1.572e+13 values" },
        { ["mnist", "--device", "cpu", "--repeats", "100000000", "--out", "{dir}/out"], 2, "repeats: p × repeats gives 400000000 networks; at most 100000" },
        { ["probe", "--features", "{dir}/features.csv", "--device", "cpu", "--width", "300000000", "--out", "{dir}/out"], 2, "features.csv: 20 networks (p × repeats) of input dimension 2, width 300000000" },
        { ["probe", "--features", "{dir}/features.csv", "--device", "cpu", "--classes", "1000000000", "--out", "{dir}/out"], 2, "width 500, classes 1000000000: the parameters would hold" },
        { ["evaluate", "--network", "{dir}/networks.safetensors", "--data", "synthetic", "--n", "2000000000", "--subclasses", "4", "--positive-subclasses", "2",
            "--device", "cpu", "--out", "{dir}/out"], 2, "n: 2000000000 synthetic samples of input dimension 12: the samples would hold 2.4e+10 values" },
        { ["fig2", "--preset", "quick", "--device", "cpu", "--dist-scale-samples", "2000000000", "--out", "{dir}/out"], 2, "dist_scale_samples: 2000000000 samples of input dimension 50" },
        // a feature table the probe cannot learn from
        { ["probe", "--features", "{dir}/one-class.csv", "--device", "cpu", "--out", "{dir}/out"], 2, "one-class.csv: every row has label 0; the probe needs rows of ≥ 2 classes" },
        { ["probe", "--features", "{dir}/zero.csv", "--device", "cpu", "--out", "{dir}/out"], 2, "zero.csv: every feature is constant over the rows (all zero)" },
        // a study key in train's config file is checked by the study's rule, naming the file and line
        { ["train", .. Small, "--alpha", "0.1", "--config", "{dir}/pgd.yaml", "--out", "{dir}/out"], 2, "pgd.yaml: line 2: pgd_steps must be ≥ 1, got -1 (a study key" },
        { ["train", .. Small, "--alpha", "0.1", "--config", "{dir}/dist.yaml", "--out", "{dir}/out"], 2, "dist.yaml: line 1: dist_starts must be ≥ 1, got 0" },
        { ["train", .. Small, "--alpha", "0.1", "--config", "{dir}/radii.yaml", "--out", "{dir}/out"], 2, "radii.yaml: line 1: radii must be ≥ 0 and finite, got -1" },
        // malformed YAML: the line, the column and what is wrong
        { ["train", .. Small, "--alpha", "0.1", "--config", "{dir}/ended.yaml", "--out", "{dir}/out"], 2, "ended.yaml: malformed YAML at line 1, column 1: '...' on line 1 ends the document" },
        { ["train", .. Small, "--alpha", "0.1", "--config", "{dir}/open.yaml", "--out", "{dir}/out"], 2, "open.yaml: malformed YAML at line 2, column 1: While parsing a flow sequence" },
        { ["fig2", .. Small, "--alpha", "0.1", "--config", "{dir}/key.yaml", "--out", "{dir}/out"], 2, "key.yaml: line 1, column 1: a key must be a name, not a mapping" },
        // --out: a file, the root
        { ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--pgd-points", "5", "--out", "{file}"], 2, "is a file; give a folder" },
        { ["train", .. Small, "--alpha", "0.1", "--out", "/", "--overwrite"], 2, "out: '/' is the root folder, not a run's folder" },
        // a train-only sweep keeps the attack's defaults (pgd_points 1000 > n_test 10): not judged, the plan is printed
        { ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--phases", "train", "--plan", "--rate", "1"], 0, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EndsAsExpected(string[] args, int code, string fragment)
    {
        var file = Path.Combine(_dir.FullName, "a-file");
        File.WriteAllText(file, "not a folder");
        WriteInputs();
        var (exit, stdout, err) = Gpuprelu.Run([.. args.Select(a => a.Replace("{dir}", _dir.FullName, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal))]);
        Assert.True(exit == code, $"exit {exit}, expected {code}: {err}");
        Assert.Contains(fragment, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "out")), "the output folder was created");
        Assert.Equal("not a folder", File.ReadAllText(file));
        if (code == 0)
            Assert.Contains("batch", stdout, StringComparison.Ordinal);
    }

    // the input files of the cases: feature tables of 2 features (a good one, one of one class, one of zeros), config
    // files, and two networks of D 12, H 4, one output
    private void WriteInputs()
    {
        string Table(Func<int, string> row) => "label,a,b\n" + string.Concat(Enumerable.Range(0, 10).Select(n => row(n) + "\n"));
        File.WriteAllText(Path.Combine(_dir.FullName, "features.csv"), Table(n => $"{n % 2},{n},{n % 3}"));
        File.WriteAllText(Path.Combine(_dir.FullName, "one-class.csv"), Table(n => $"0,{n},{n % 3}"));
        File.WriteAllText(Path.Combine(_dir.FullName, "zero.csv"), Table(n => $"{n % 2},0,0"));
        foreach (var (name, yaml) in new[]
        {
            ("pgd.yaml", "width: 4\npgd_steps: -1\n"), ("dist.yaml", "dist_starts: 0\n"), ("radii.yaml", "radii: \"-1,5,2\"\n"),
            ("ended.yaml", "...\nwidth: 4\n"), ("open.yaml", "width: [8\n"), ("key.yaml", "{a: 1}: 2\n"),
        })
            File.WriteAllText(Path.Combine(_dir.FullName, name), yaml);
        SafeTensors.Write(Path.Combine(_dir.FullName, "networks.safetensors"), [
            new("prelulayer.W", [2, 12, 4], [.. Enumerable.Range(0, 96).Select(i => (float)Math.Sin(i))]),
            new("output_net.weight", [2, 1, 4], [.. Enumerable.Range(0, 8).Select(i => (float)Math.Cos(i))]),
            new("p", [2], [1f, 3f]),
        ]);
    }

    [Fact]
    public void ADamagedSweepCheckpointNamesTheFolderToDelete()
    {
        var folder = Path.Combine(_dir.FullName, "sweep");
        string[] sweep = ["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--phases", "train"];
        var (code, _, err) = Gpuprelu.Run([.. sweep, "--out", folder]);
        Assert.True(code == 0, err);
        // the batch uncommitted again, and its training checkpoint damaged
        Directory.Delete(Path.Combine(folder, "batches", "b0000"), recursive: true);
        var checkpoint = Path.Combine(folder, "checkpoints", "b0000");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "checkpoint.json"), "{ not json");
        var (again, _, againErr) = Gpuprelu.Run(["sweep", "--resume", folder, "--device", "cpu"]);
        Assert.Equal(2, again);
        Assert.Contains($"delete {checkpoint} to run batch b0000 again from its start", againErr, StringComparison.Ordinal);
    }

    /// <summary>A finished train-only sweep of 2 batches (p 1, 3 × width 4, 6: Small without its width) in `name`.</summary>
    private string FinishedSweep(string name)
    {
        var folder = Path.Combine(_dir.FullName, name);
        var (code, _, err) = Gpuprelu.Run(["sweep", "--grid", "p=1,3", "--grid", "width=4,6", .. Small.Where((_, i) => i is not (10 or 11)),
            "--alpha", "0.1", "--phases", "train", "--out", folder]);
        Assert.True(code == 0, err);
        return folder;
    }

    // a batch's summary.csv emptied, cut in the middle of a row, or cut after its first row
    [Theory]
    [InlineData("empty", "empty")]
    [InlineData("half", "cut short (the last line has no newline)")]
    [InlineData("row", "1 rows for the batch's 2 networks")]
    public void AResumeRunsADamagedBatchAgain(string damage, string rule)
    {
        var folder = FinishedSweep("sweep");
        var before = File.ReadAllBytes(Path.Combine(folder, "summary.csv"));
        var summary = Path.Combine(folder, "batches", "b0001", "summary.csv");
        var text = File.ReadAllText(summary);
        File.WriteAllText(summary, damage switch
        {
            "empty" => "",
            "half" => text[..(text.Length / 2)],
            _ => text[..(text.IndexOf('\n', text.IndexOf('\n', StringComparison.Ordinal) + 1) + 1)],
        });
        var (code, _, err) = Gpuprelu.Run("sweep", "--resume", folder, "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains($"{summary}: {rule}: batch b0001 runs again", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(folder, "summary.csv")));
    }

    [Fact]
    public void AMergeRefusesADamagedBatchNamingItsFile()
    {
        var folder = FinishedSweep("sweep");
        var training = Path.Combine(folder, "batches", "b0000", "training.csv");
        File.WriteAllText(training, "network_id,p\nnot-a-network,1\n");
        var (code, _, err) = Gpuprelu.Run("merge", "--out", Path.Combine(_dir.FullName, "out"), folder);
        Assert.Equal(2, code);
        Assert.Contains($"{training}: row 1 is network 'not-a-network', not one of the batch's", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "out")), "the output folder was created");
    }

    [Fact]
    public void ForeignLedgerLinesAreSkippedAndNamed()
    {
        var folder = FinishedSweep("sweep");
        var before = File.ReadAllBytes(Path.Combine(folder, "summary.csv"));
        var ledger = Path.Combine(folder, "ledger.jsonl");
        File.AppendAllText(ledger, "{\"batch\": 5}\n{\"foo\": 1}\n[1,2]\ngarbage\n{\"batch\":\"b0000\",\"plan\":5}\n");
        Directory.Delete(Path.Combine(folder, "batches", "b0000"), recursive: true);
        var (code, _, err) = Gpuprelu.Run("sweep", "--resume", folder, "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains($"{ledger}: skipped line(s) 3, 4, 5, 6, 7: not ledger entries", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(folder, "summary.csv")));
    }

    // a billion shards: the shards past the batches run nothing, and the plan is made in the batches' time (it took 33 s)
    [Fact]
    public void AHugeShardCountIsPlannedPromptly()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, stdout, err) = Gpuprelu.Run(["sweep", "--grid", "p=1,3", .. Small, "--alpha", "0.1", "--phases", "train", "--plan", "--rate", "1", "--shard", "0/1000000000"]);
        Assert.True(code == 0, err);
        Assert.Contains("on 1000000000 shard(s)", stdout, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    // a name with the byte 0xFF (not UTF-8): .NET passes arguments as strings, so the child is started through the shell,
    // which makes the file and passes the raw bytes
    [Theory]
    [InlineData("train", "--config", "config")]
    [InlineData("attack", "--network", "network")]
    [InlineData("train", "--out", "out")]
    public async Task ANameThatIsNotUtf8IsRefused(string verb, string flag, string field)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "gpuprelu.dll");
        string make = flag == "--out" ? "" : "printf 'width: 4\\n' > \"$(printf 'c\\377')\" && ";
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir.FullName };
        info.ArgumentList.Add("-c");
        // the file is removed by the shell too (.NET cannot name it), whatever the run left
        info.ArgumentList.Add($"{make}dotnet '{dll}' {verb} {(verb == "train" ? string.Join(' ', Small) + " --alpha 0.1" : "--device cpu")} {flag} \"$(printf 'c\\377')\"{(flag == "--out" ? "" : " --out out")}; "
            + "rc=$?; ls -A | wc -l >&2; rm -f \"$(printf 'c\\377')\"; exit $rc");
        using var child = System.Diagnostics.Process.Start(info)!;
        var errTask = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        var err = await errTask;
        Assert.True(child.ExitCode == 2, $"exit {child.ExitCode}: {err}");
        Assert.Contains($"{field}: 'c\uFFFD' is not valid UTF-8", err, StringComparison.Ordinal);
        // nothing made: no output folder under either name (the shell counted the entries before removing the file)
        Assert.EndsWith($"\n{(flag == "--out" ? 0 : 1)}\n", err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.FullName));
    }

    [Fact]
    public void OverwriteRemovesEveryOutputTheToolWrites()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "earlier")).FullName;
        string[] outputs = ["f_radius_distribution.png", "points.csv", "adversarial.safetensors", "compare.csv"];
        foreach (var name in outputs.Append("notes.txt"))
            File.WriteAllText(Path.Combine(folder, name), "earlier");
        Directory.CreateDirectory(Path.Combine(folder, "checkpoint"));
        File.WriteAllText(Path.Combine(folder, "checkpoint", "checkpoint.json"), "{}");
        var (code, stdout, err) = Gpuprelu.Run(["train", .. Small, "--alpha", "0.1", "--out", folder, "--overwrite"]);
        Assert.True(code == 0, err);
        Assert.All(outputs, name => Assert.False(File.Exists(Path.Combine(folder, name)), $"{name} was kept"));
        Assert.False(Directory.Exists(Path.Combine(folder, "checkpoint")));
        // the file the tool did not write stays, and is the only one called so
        Assert.Equal("earlier", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Contains("kept 1 the tool did not write (notes.txt)", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, OutputFolder.LockName)));
    }
}
