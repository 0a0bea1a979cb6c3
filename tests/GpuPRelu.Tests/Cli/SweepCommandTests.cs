using System.Globalization;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu sweep` in process: bad input refused before any work (exit 2, naming the key or folder, no output
/// folder), --plan prints and runs nothing, a small sweep writes every output keyed by network id, and a network's
/// numbers do not depend on the batch that computed it.</summary>
[Collection(CliGroup.Name)]
public sealed class SweepCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-sweep-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    public static TheoryData<string, string[], string> BadInput => new()
    {
        { "width: [8, 16]\nwidht: 3\n", [], "unknown key 'widht'" },
        { "width: [8, 16]\nzip:\n  width: [8, 16]\n  lr: [0.1, 0.2]\n", [], "key 'width' is duplicated" },
        { "width: []\n", [], "width has no values, so the sweep expands to nothing" },
        { "zip:\n  width: [8, 16]\n  lr: [0.1]\n", [], "zip lists must be equally long, got width 2, lr 1" },
        { "width: [8, 16]\n", ["--grid", "lr=0.1,0.2", "--grid", "lr=0.3"], "grid: key 'lr' is given twice" },
        { "width: [8, 16]\n", ["--grid", "lrr=0.1,0.2"], "grid: unknown key 'lrr'" },
        { "width: [8, 16]\nseeds: 3\np: [1, 2, 3]\n", ["--max-networks", "10"], "gives 18 networks, more than --max-networks 10" },
        { "width: [8, 16]\n", ["--shard", "2/2"], "shard: '2/2': i must be in 0..N−1 (1), got 2" },
        { "width: [8, 0]\n", [], "network width=0" },
        { "width: [8, 16]\n", ["--phases", "attack"], "phases: 'attack' must include train" },
        { "width: [8, 16]\nseed: [1, 2]\nseeds: 2\n", [], "seeds: a list of seeds is given" },
        { "width: [8, 8]\n", [], "is the same network as" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void RefusesBadInputBeforeWork(string yaml, string[] extra, string named)
    {
        var config = SweepCase.WriteConfig(_dir.FullName, "input_dim: 20\nsubclasses: 4\npositive_subclasses: 2\nn_test: 1000\n" + yaml);
        var (code, _, err) = Gpuprelu.Run(["sweep", "--config", config, "--devices", "cpu", "--out", Out("bad"), .. extra]);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void RefusesAForeignFolderAndAPresetBesideAConfig()
    {
        var config = SweepCase.WriteConfig(_dir.FullName);
        Directory.CreateDirectory(Out("other"));
        File.WriteAllText(Path.Combine(Out("other"), "notes.txt"), "x");
        var (code, _, err) = Gpuprelu.Run("sweep", "--config", config, "--devices", "cpu", "--out", Out("other"));
        Assert.Equal(2, code);
        Assert.Contains("exists and is not empty; pass --resume", err, StringComparison.Ordinal);
        (code, _, err) = Gpuprelu.Run("sweep", "--config", config, "--preset", "width-dim", "--devices", "cpu", "--out", Out("both"));
        Assert.Equal(2, code);
        Assert.Contains("preset and config exclude each other", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("both")));
    }

    [Fact]
    public void PlanPrintsTheBatchesAndRunsNothing()
    {
        var config = SweepCase.WriteConfig(_dir.FullName);
        var (code, stdout, err) = Gpuprelu.Run("sweep", "--config", config, "--plan", "--rate", "10", "--shard", "1/2", "--devices", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("24 networks in 6 batches", stdout, StringComparison.Ordinal);
        Assert.Contains("b0005", stdout, StringComparison.Ordinal);
        Assert.Contains("input_dim=30 width=24", stdout, StringComparison.Ordinal);
        Assert.Contains("at the given 10.00 GFLOP/s per device (flops only", stdout, StringComparison.Ordinal);
        Assert.Empty(_dir.EnumerateDirectories());
        // the same config plans to the same hash; without --rate the estimate is calibrated on the device, in a folder of its own
        var (calibrated, again, why) = Gpuprelu.Run("sweep", "--config", config, "--plan", "--devices", "cpu");
        Assert.True(calibrated == 0, why);
        Assert.Equal(stdout.Split('\n')[0], again.Split('\n').First(l => l.StartsWith("plan ", StringComparison.Ordinal)));
        Assert.Contains("basis: calibrated on the device", again, StringComparison.Ordinal);
        Assert.Empty(_dir.EnumerateDirectories());
    }

    [Fact]
    public void WritesEveryOutputKeyedByNetworkId()
    {
        var config = SweepCase.WriteConfig(_dir.FullName);
        var (code, _, err) = Gpuprelu.Run("sweep", "--config", config, "--devices", "cpu", "--out", Out("run"));
        Assert.True(code == 0, err);
        var summary = GpuPRelu.Sweeps.SweepTable.Read(Path.Combine(Out("run"), "summary.csv"));
        Assert.Equal(24, summary.Count);
        Assert.Equal(24, summary.Select(r => r["network_id"]).Distinct().Count());
        Assert.Equal(6, File.ReadAllLines(Path.Combine(Out("run"), "ledger.jsonl")).Length);
        Assert.Contains("batches done", err, StringComparison.Ordinal);
        var robust = File.ReadAllLines(Path.Combine(Out("run"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(24 * 7, robust.Count);
        foreach (var row in summary)
        {
            // the robust radius, recomputed from the network's curve: the first radius with accuracy < 0.5
            var curve = robust.Where(r => r[0] == row["network_id"]).Select(r => (Radius: Num(r[6]), Acc: Num(r[7]))).ToList();
            Assert.Equal(7, curve.Count);
            var first = curve.Where(c => c.Acc < 0.5).Select(c => c.Radius).DefaultIfEmpty(double.PositiveInfinity).First();
            Assert.Equal(first, Num(row["robust_radius"]));
            Assert.Equal(row["width"], summary.First(r => r["network_id"] == row["network_id"])["width"]);
            Assert.Equal(2, File.ReadAllLines(Path.Combine(Out("run"), "distance.csv")).Count(l => l.StartsWith(row["network_id"], StringComparison.Ordinal)));
        }
        foreach (var png in new[] { "robust_radius_vs_width.png", "distance_vs_width.png", "robust_radius_vs_input_dim.png", "distance_vs_input_dim.png" })
            Assert.True(new FileInfo(Path.Combine(Out("run"), png)).Length > 10_000, png);
        Assert.Contains("| 30 | 24 | 4 | 3 | 2 |", File.ReadAllText(Path.Combine(Out("run"), "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void ANetworksNumbersDoNotDependOnItsBatch()
    {
        // the network (D 30, width 16, p 3, seed 1) in its batch of four, then alone in a batch of one
        var config = SweepCase.WriteConfig(_dir.FullName);
        var (code, _, err) = Gpuprelu.Run("sweep", "--config", config, "--devices", "cpu", "--out", Out("all"), "--grid", "input_dim=30", "--grid", "width=16");
        Assert.True(code == 0, err);
        (code, _, err) = Gpuprelu.Run("sweep", "--config", config, "--devices", "cpu", "--out", Out("one"), "--input-dim", "30", "--width", "16",
            "--p", "3", "--seed", "1", "--seeds", "1", "--pgd-restarts", "0");
        Assert.True(code == 0, err);
        var one = GpuPRelu.Sweeps.SweepTable.Read(Path.Combine(Out("one"), "summary.csv")).Single();
        var id = one["network_id"];
        foreach (var file in new[] { "training.csv", "alignment.csv", "robust_accuracy.csv", "distance.csv" })
        {
            var alone = File.ReadAllLines(Path.Combine(Out("one"), file)).Skip(1).ToList();
            var inBatch = File.ReadAllLines(Path.Combine(Out("all"), file)).Where(l => l.StartsWith(id + ",", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(alone);
            Assert.Equal(alone, inBatch);
        }
    }

    private static double Num(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
