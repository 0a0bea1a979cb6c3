using System.Globalization;
using System.Text.Json;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu mnist` and `gpuprelu probe`: the quick MNIST path trains parity to above 0.9 test accuracy for every p
/// and writes every output, the probe learns a feature table, and bad settings or files are refused before the output
/// folder exists.</summary>
[Collection(CliGroup.Name)]
public sealed class RealCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-real-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    private static readonly string[] Outputs =
    [
        "training.csv", "summary.csv", "robust_accuracy.csv", "report.md", "manifest.json", "a_correlation.png", "b_accuracy.png",
        "c_stable_rank.png", "d_robust_accuracy.png",
    ];

    private List<string[]> Rows(string run, string file) =>
        [.. File.ReadAllLines(Path.Combine(Out(run), file)).Skip(1).Select(l => l.Split(','))];

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>The quick preset shrunk (8000 images, width 100, 4 epochs, one repeat, a short attack) on a fresh seed: every
    /// p in 1..4 passes 0.9 clean test accuracy on parity (measured 0.931–0.958 over 4 seeds; 4000 images × 3 epochs left
    /// p = 3 at 0.865 once); the per-epoch rows, stable ranks, robust curve and files are there.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void QuickMnistTrainsParityAboveNinetyPercentForEveryP(int seed)
    {
        var (code, stdout, err) = Gpuprelu.Run("mnist", "--preset", "quick", "--seed", $"{seed}", "--n-train", "8000", "--n-test", "1000",
            "--width", "100", "--epochs", "4", "--repeats", "1", "--attack-points", "100", "--radii", "0,0.05,0.1", "--attack-iterations", "20",
            "--device", "cpu", "--out", Out("mnist"));
        Assert.True(code == 0, $"seed {seed}: {err}{stdout}");
        foreach (var f in Outputs)
            Assert.True(new FileInfo(Path.Combine(Out("mnist"), f)) is { Exists: true, Length: > 100 }, $"{f} missing or empty");

        var summary = Rows("mnist", "summary.csv");
        Assert.Equal([1.0, 2, 3, 4], summary.Select(r => D(r[1])));
        foreach (var r in summary)
            Assert.True(D(r[7]) > 0.9, $"seed {seed}: p {r[1]} test accuracy {r[7]}");

        // epochs 0..4 for each of the 4 networks; stable ranks between 1 and the smaller side of the matrix
        var training = Rows("mnist", "training.csv");
        Assert.Equal(20, training.Count);
        Assert.All(training, r => Assert.InRange(D(r[10]), 1, 100));
        Assert.All(training, r => Assert.InRange(D(r[11]), 1, 100));

        var robust = Rows("mnist", "robust_accuracy.csv");
        Assert.Equal(12, robust.Count);
        foreach (var g in robust.GroupBy(r => r[0]))
        {
            var curve = g.Select(r => D(r[7])).ToList();
            Assert.True(curve[0] >= curve[1] && curve[1] >= curve[2], $"seed {seed}: network {g.Key} curve {string.Join(" ", curve)}");
            Assert.All(g, r => Assert.Equal(("linf", "apgd-ce", "100"), (r[4], r[5], r[8])));
        }
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("mnist"), "manifest.json")));
        Assert.Equal("ok", manifest.RootElement.GetProperty("status").GetString());
        foreach (var phase in new[] { "data", "train", "attack", "plots" })
            Assert.True(manifest.RootElement.GetProperty("phase_seconds").TryGetProperty(phase, out _), $"phase {phase} not timed");
        Assert.Contains("Paper's claim: robust accuracy grows with p", File.ReadAllText(Path.Combine(Out("mnist"), "report.md")), StringComparison.Ordinal);
    }

    /// <summary>mnist --save writes the trained batch; attacking that file (attack --network, the study's own points, radii,
    /// iterations, restarts and box) gives the study's robust accuracy exactly, network by network: the file records each
    /// network's seed, by which the attack keys its random starts.</summary>
    [Fact]
    public void SavedMnistNetworksReproduceTheStudysRobustAccuracy()
    {
        var (code, stdout, err) = Gpuprelu.Run("mnist", "--preset", "quick", "--seed", "3", "--n-train", "2000", "--n-test", "200",
            "--width", "30", "--epochs", "1", "--repeats", "2", "--p", "1,3", "--attack-points", "40", "--radii", "0,0.05,0.1",
            "--attack-iterations", "10", "--attack-restarts", "2", "--save", "--device", "cpu", "--out", Out("saved"));
        Assert.True(code == 0, err + stdout);
        string file = Path.Combine(Out("saved"), "networks.safetensors");
        (code, stdout, err) = Gpuprelu.Run("attack", "--network", file, "--data", "mnist", "--classes", "2", "--n", "40", "--attack", "apgd-ce",
            "--norm", "linf", "--radii", "0,0.05,0.1", "--steps", "10", "--restarts", "2", "--box", "0,1", "--seed", "3", "--device", "cpu",
            "--out", Out("again"));
        Assert.True(code == 0, err + stdout);
        var study = Rows("saved", "robust_accuracy.csv");
        var again = Rows("again", "robust_accuracy.csv");
        Assert.Equal(12, study.Count);
        // network, p, seed, radius, robust accuracy
        Assert.Equal(study.Select(r => (r[0], D(r[1]), r[3], D(r[6]), D(r[7]))), again.Select(r => (r[0], D(r[1]), r[3], D(r[6]), D(r[7]))));
        // not trivially all 0 or all 1
        Assert.Contains(study, r => D(r[7]) is > 0 and < 1);
    }

    /// <summary>A feature table of three well-separated Gaussian classes, sorted by label (a random 20 % of the rows held out,
    /// so every class is in both parts): every p learns it, the attack runs in feature space without a box, and layer
    /// normalization is applied on request.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void ProbeLearnsAFeatureTable(int seed)
    {
        var rng = new System.Random(seed);
        const int N = 300, F = 10, C = 3;
        var lines = new List<string> { "label," + string.Join(",", Enumerable.Range(0, F).Select(f => $"f{f}")) };
        for (int n = 0; n < N; n++)
        {
            int y = n * C / N;
            var noise = NetworkCase.Normal(rng, F, 0.3);
            var x = Enumerable.Range(0, F).Select(f => (f == 2 * y ? 3.0 : 0.0) + noise[f]);
            lines.Add(y + "," + string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        File.WriteAllLines(Out("features.csv"), lines);
        var (code, stdout, err) = Gpuprelu.Run("probe", "--features", Out("features.csv"), "--layer-norm", "--p", "1,3", "--repeats", "2",
            "--width", "32", "--epochs", "30", "--batch-size", "40", "--lr", "0.01", "--attack-points", "30", "--radii", "0,0.1,0.3",
            "--attack-iterations", "10", "--device", "cpu", "--out", Out("probe"));
        Assert.True(code == 0, $"seed {seed}: {err}{stdout}");
        foreach (var f in Outputs)
            Assert.True(File.Exists(Path.Combine(Out("probe"), f)), $"{f} missing");
        Assert.Contains("features features.csv: 240 training, 60 test samples of 10 features, 3 classes", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("box", stdout, StringComparison.Ordinal);
        var summary = Rows("probe", "summary.csv");
        Assert.Equal(4, summary.Count);
        foreach (var r in summary)
            Assert.True(D(r[7]) > 0.9, $"seed {seed}: p {r[1]} repeat {r[2]} test accuracy {r[7]}");
        Assert.Contains("no box", File.ReadAllText(Path.Combine(Out("probe"), "report.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mnist", "--classes", "11", "classes must be 2..10")]
    [InlineData("mnist", "--n-train", "60000", "n_train must be 1..50000")]
    [InlineData("mnist", "--attack-points", "5000", "attack_points must be ≤ n_test (2000)")]
    [InlineData("mnist", "--p", "0.5", "p must be ≥ 1")]
    [InlineData("mnist", "--radii", "0.1,0.05", "radii must be a non-empty increasing list")]
    [InlineData("mnist", "--preset", "huge", "preset: 'huge' is not one of paper, quick")]
    [InlineData("probe", "--p", "1", "features: give the feature table")]
    public void RefusesBadSettingsBeforeWork(string verb, string flag, string value, string named)
    {
        string[] args = verb == "mnist" && flag != "--preset" ? ["mnist", "--preset", "quick", flag, value] : [verb, flag, value];
        var (code, _, err) = Gpuprelu.Run([.. args, "--device", "cpu", "--out", Out("bad")]);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    /// <summary>A feature with NaN, a ragged row, labels that do not match the rows: refused naming the file, nothing written.</summary>
    [Fact]
    public void ProbeRefusesBadFeatureFiles()
    {
        File.WriteAllText(Out("nan.csv"), "label,a,b\n0,1,2\n1,NaN,3\n0,2,2\n1,1,1\n0,3,3\n");
        File.WriteAllText(Out("ragged.csv"), "label,a,b\n0,1,2\n1,3\n0,2,2\n1,1,1\n0,3,3\n");
        File.WriteAllText(Out("x.csv"), "1,2\n3,4\n5,6\n7,8\n9,10\n");
        File.WriteAllText(Out("y.csv"), "0\n1\n0\n");
        foreach (var (args, named) in new (string[], string)[]
        {
            (["--features", Out("nan.csv")], "nan.csv"),
            (["--features", Out("ragged.csv")], "ragged.csv"),
            (["--features", Out("x.csv"), "--labels", Out("y.csv")], "has 5 feature rows but"),
        })
        {
            var (code, _, err) = Gpuprelu.Run(["probe", .. args, "--device", "cpu", "--out", Out("refused")]);
            Assert.Equal(2, code);
            Assert.Contains(named, err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Out("refused")));
        }
    }
}
