using System.Globalization;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu attack` with sequences of attacks (standard, lists), per-point output and adversarial examples.</summary>
[Collection(CliGroup.Name)]
public sealed class AttackEvaluationCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-evaluation-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] Sources = ["fab-t upper bound", "clean", "none found"];

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("apgd-t", "--targets", "2", "targets must be < the number of classes (2")]
    [InlineData("apgd-t", "--targets", "0", "targets must be ≥ 1")]
    [InlineData("apgd-ce", "--targets", "1", "targets applies to apgd-t")]
    [InlineData("apgd-ce,apgd-t", "--queries", "100", "queries applies to square")]
    [InlineData("pgd,apgd-ce", "--n", "10", "attack pgd runs alone")]
    [InlineData("apgd-ce,apgd-ce", "--n", "10", "each attack once")]
    [InlineData("fab-t", "--norm", "l1", "box: fab-t with norm l1 needs one (--box lo,hi)")]
    [InlineData("fab-t", "--targets", "2", "targets must be < the number of classes (2")]
    [InlineData("apgd-ce,fgsm", "--n", "10", "attack must be pgd, apgd-ce, apgd-dlr, apgd-t, fab-t, square, standard")]
    [InlineData("pgd", "--per-point", null, "per_point and save_adversarial need")]
    [InlineData("square", "--norm", "l1", "norm l1: square runs l∞ and l2 only")]
    [InlineData("square", "--queries", "0", "queries must be ≥ 1")]
    [InlineData("standard", "--input-dim", "20", "D = 20 lays out as 4 × 5")]
    [InlineData("square", "--restarts", "2", "restarts applies to apgd-ce, apgd-dlr, apgd-t and fab-t (and standard) only")]
    public void RefusesBadEvaluationSettingsBeforeWork(string attack, string flag, string? value, string named)
    {
        string[] args = ["attack", "--model", "F", "--attack", attack, "--device", "cpu", flag, .. value is null ? Array.Empty<string>() : [value],
            "--out", Out("bad")];
        var (code, _, err) = Gpuprelu.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    /// <summary>standard on F and F^(3) (one output: APGD-T's margin loss and FAB-T's margin, stated): a row per attack and one for the
    /// sequence, never below the exact curve; points.csv agrees with the sequence's row at every radius and breaks no
    /// point inside its exact radius; adversarial.safetensors holds every network × radius × point.</summary>
    [Fact]
    public void RunsTheStandardSequenceOnTheIdealClassifiersWithPerPointOutput()
    {
        const int N = 30;
        var (code, stdout, err) = Gpuprelu.Run("attack", "--model", "Fp", "--p", "1,3", "--input-dim", "25", "--subclasses", "4",
            "--positive-subclasses", "2", "--alpha", "0.3", "--n", $"{N}", "--radii", "0:1.2:7", "--attack", "standard", "--steps", "30",
            "--queries", "200", "--per-point", "--save-adversarial", "--min-radius", "--device", "cpu", "--out", Out("std"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("apgd-t ascends the margin loss", stdout, StringComparison.Ordinal);
        Assert.Contains("fab-t linearizes the margin itself", stdout, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(Out("std"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        double Acc(string net, string attack, double radius) => double.Parse(rows.Single(r => r[0] == net && r[5] == attack &&
            Math.Abs(double.Parse(r[6], CultureInfo.InvariantCulture) - radius) < 1e-9)[7], CultureInfo.InvariantCulture);
        var points = File.ReadAllLines(Path.Combine(Out("std"), "points.csv"));
        Assert.Equal("network,point,label,clean_correct,broken_at,attack,perturbation", points[0]);
        var exact = File.ReadAllLines(Path.Combine(Out("std"), "min_radius.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var net in new[] { "F^(1)", "F^(3)" })
        {
            var mine = points.Skip(1).Select(l => l.Split(',')).Where(p => p[0] == net).ToList();
            Assert.Equal(N, mine.Count);
            for (int k = 0; k < 7; k++)
            {
                double radius = 0.2 * k;
                Assert.True(Acc(net, "apgd-t", radius) <= Acc(net, "apgd-ce", radius));
                Assert.True(Acc(net, "fab-t", radius) <= Acc(net, "apgd-t", radius));
                Assert.True(Acc(net, "square", radius) <= Acc(net, "fab-t", radius));
                Assert.Equal(Acc(net, "square", radius), Acc(net, "standard", radius));
                // robust at this radius: never broken, or broken only at a larger one
                int robust = mine.Count(p => p[4] == "" || double.Parse(p[4], CultureInfo.InvariantCulture) > radius + 1e-9);
                Assert.Equal(Acc(net, "standard", radius), robust / (double)N, 9);
            }
            foreach (var p in mine.Where(p => p[4] != ""))
            {
                // exact F radius; the lower end of F^(p)'s bracket
                double lower = double.Parse(exact.Single(e => e[0] == net && e[2] == p[1])[4], CultureInfo.InvariantCulture);
                double brokenAt = double.Parse(p[4], CultureInfo.InvariantCulture), size = double.Parse(p[6], CultureInfo.InvariantCulture);
                Assert.True(size >= lower - 1e-3 && size <= brokenAt + 1e-5, $"{net} point {p[1]}: perturbation {size}, exact ≥ {lower}, broken at {brokenAt}");
            }
        }
        var (tensors, _) = SafeTensors.Read(Path.Combine(Out("std"), "adversarial.safetensors"));
        Assert.Equal([2, 7, N, 25], tensors["x_adv"].Shape);
        Assert.Equal([2, N], tensors["broken_at"].Shape);
    }

    /// <summary>A 10-class network on MNIST pixels: APGD-CE then APGD-T with 3 targets in the box; the sequence's robust
    /// accuracy is the per-point count; --min-radius adds FAB-T's upper bounds.</summary>
    [Fact]
    public void RunsAListOnATenClassMnistNetwork()
    {
        var net = TorchNet.Random(Out("torch10.safetensors"), 784, 8, 10, 5);
        var (code, stdout, err) = Gpuprelu.Run("attack", "--network", net.Path, "--p", "2", "--data", "mnist", "--split", "official-test",
            "--classes", "10", "--n", "20", "--attack", "apgd-ce,apgd-t", "--targets", "3", "--norm", "linf", "--radii", "0,0.02,0.05",
            "--steps", "10", "--per-point", "--min-radius", "--device", "cpu", "--out", Out("m10"));
        Assert.True(code == 0, err + stdout);
        // --min-radius without fab-t in the list: a fab-t run of its own gives the upper bounds
        Assert.Contains("min_radius: running fab-t on every point", stdout, StringComparison.Ordinal);
        Assert.Equal(21, File.ReadAllLines(Path.Combine(Out("m10"), "min_radius.csv")).Length);
        var rows = File.ReadAllLines(Path.Combine(Out("m10"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(["apgd-ce", "apgd-t", "apgd-ce+apgd-t"], rows.Select(r => r[5]).Distinct());
        var points = File.ReadAllLines(Path.Combine(Out("m10"), "points.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var (radius, k) in new[] { (0.0, 0), (0.02, 1), (0.05, 2) })
        {
            int robust = points.Count(p => p[4] == "" || double.Parse(p[4], CultureInfo.InvariantCulture) > radius + 1e-9);
            Assert.Equal(robust / 20.0, double.Parse(rows.Where(r => r[5] == "apgd-ce+apgd-t").ElementAt(k)[7], CultureInfo.InvariantCulture), 9);
        }
        // a clean-misclassified point is broken at the first radius by "clean", with no perturbation
        Assert.All(points.Where(p => p[3] == "False"), p => Assert.Equal(("0", "clean", "0"), (p[4], p[5], p[6])));
    }

    /// <summary>FAB-T alone on a 10-class MNIST network with --min-radius: min_radius.csv holds its smallest perturbation per
    /// point as an upper bound, and fab-t's robust accuracy at each radius is the share of points whose bound exceeds it.</summary>
    [Fact]
    public void FabWritesUpperBoundRadiiOfANetwork()
    {
        var net = TorchNet.Random(Out("torch10.safetensors"), 784, 8, 10, 5);
        double[] radii = [0, 0.5, 1, 2];
        var (code, stdout, err) = Gpuprelu.Run("attack", "--network", net.Path, "--p", "2", "--data", "mnist", "--split", "official-test",
            "--classes", "10", "--n", "12", "--attack", "fab-t", "--norm", "l2", "--box", "0,1", "--radii", "0,0.5,1,2",
            "--steps", "30", "--min-radius", "--device", "cpu", "--out", Out("fab"));
        Assert.True(code == 0, err + stdout);
        var lines = File.ReadAllLines(Path.Combine(Out("fab"), "min_radius.csv"));
        Assert.Equal("network,p,point,label,norm,radius_upper,source", lines[0]);
        var bounds = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(12, bounds.Count);
        Assert.All(bounds, b => Assert.Contains(b[6], Sources));
        Assert.True(bounds.Any(b => b[6] == "fab-t upper bound"), string.Join("\n", lines) + stdout);
        var rows = File.ReadAllLines(Path.Combine(Out("fab"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        for (int k = 0; k < radii.Length; k++)
        {
            int robust = bounds.Count(b => b[5] == "" || double.Parse(b[5], CultureInfo.InvariantCulture) > radii[k]);
            Assert.Equal(robust / 12.0, double.Parse(rows.Single(r => r[5] == "fab-t" && double.Parse(r[6], CultureInfo.InvariantCulture) == radii[k])[7],
                CultureInfo.InvariantCulture), 9);
        }
    }
}
