using System.Globalization;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>The studies' robust accuracy band: with certify and attack standard, fig2 and probe write certified.csv and
/// 'certified' and 'standard' rows beside their own attack's; on every network and radius the proven accuracy is at most
/// what every attack left (the certificate's soundness, seen from the study), equals the clean accuracy at radius 0, and
/// proves something above 0; report.md gives the interval.</summary>
[Collection(CliGroup.Name)]
public sealed class StudyBandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-band-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    private static List<string[]> Rows(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    // robust_accuracy.csv: network, p, alpha, seed, norm, attack, radius, robust_acc, n → (network, radius) → acc per attack
    private static void AssertBand(string folder, string ownAttack, int points)
    {
        var rows = Rows(Path.Combine(folder, "robust_accuracy.csv")).Where(r => !r[0].StartsWith('F')).ToList();
        var certified = rows.Where(r => r[5] == "certified").ToList();
        Assert.NotEmpty(certified);
        Assert.Contains(rows, r => r[5] == "standard");
        foreach (var c in certified)
        {
            var others = rows.Where(r => r[0] == c[0] && r[6] == c[6] && r[5] != "certified").ToList();
            Assert.Contains(others, r => r[5] == ownAttack);
            foreach (var o in others)
                Assert.True(D(c[7]) <= D(o[7]), $"network {c[0]} radius {c[6]}: certified {c[7]} above {o[5]}'s {o[7]}");
            if (D(c[6]) == 0)
                Assert.Equal(D(others.Single(r => r[5] == ownAttack)[7]), D(c[7]));
        }
        Assert.Contains(certified, c => D(c[6]) > 0 && D(c[7]) > 0);
        var perPoint = Rows(Path.Combine(folder, "certified.csv"));
        Assert.Equal(certified.Select(c => c[0]).Distinct().Count() * points, perPoint.Count);
        Assert.All(perPoint, r => Assert.True(D(r[7]) >= 0, $"negative radius {r[7]}"));
        Assert.Contains("### Bounded from both sides", File.ReadAllText(Path.Combine(folder, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Fig2DrawsTheBandBetweenTheProvenAndTheStrongestAttack()
    {
        var (code, stdout, err) = Gpuprelu.Run("fig2", "--device", "cpu", "--input-dim", "25", "--subclasses", "4", "--positive-subclasses", "2",
            "--alpha", "0.05", "--seeds", "1", "--width", "16", "--epochs", "60", "--n-train", "200", "--n-test", "40", "--batch-size", "20",
            "--radii", "0:1:6", "--pgd-points", "20", "--pgd-steps", "50", "--dist-starts", "1", "--dist-repeats", "1", "--dist-steps", "5",
            "--snapshots", "0", "--certify", "--attack", "standard", "--out", Out("fig2"));
        Assert.True(code == 0, err + stdout);
        AssertBand(Out("fig2"), "pgd", 20);
        Assert.Contains("Proven, p = 3", File.ReadAllText(Path.Combine(Out("fig2"), "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void AStandardAttackThatCannotRunIsRefusedBeforeWork()
    {
        // the square attack lays the input out as an image of side ≥ 5: D 12 is 3 × 4
        var (code, _, err) = Gpuprelu.Run("fig2", "--preset", "quick", "--input-dim", "12", "--attack", "standard", "--device", "cpu", "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains("attack standard: square l2 needs an image side ≥ 5", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void ProbeDrawsTheBandInFeatureSpace()
    {
        var rng = new System.Random(7);
        const int N = 200, F = 6, C = 2;
        var lines = new List<string> { "label," + string.Join(",", Enumerable.Range(0, F).Select(f => $"f{f}")) };
        for (int n = 0; n < N; n++)
        {
            int y = n * C / N;
            var noise = NetworkCase.Normal(rng, F, 0.3);
            lines.Add(y + "," + string.Join(",", Enumerable.Range(0, F).Select(f => ((f == 2 * y ? 3.0 : 0.0) + noise[f]).ToString("R", CultureInfo.InvariantCulture))));
        }
        File.WriteAllLines(Out("features.csv"), lines);
        var (code, stdout, err) = Gpuprelu.Run("probe", "--features", Out("features.csv"), "--p", "1,3", "--repeats", "1", "--width", "16",
            "--epochs", "30", "--batch-size", "40", "--lr", "0.01", "--attack-points", "20", "--radii", "0,0.2,0.5,1", "--attack-iterations", "10",
            "--normalize-input", "false", "--certify", "--attack", "standard", "--device", "cpu", "--out", Out("probe"));
        Assert.True(code == 0, err + stdout);
        AssertBand(Out("probe"), "apgd-ce", 20);
    }
}
