using System.Globalization;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class AttackCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-attack-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("--radii", "-0.1,0.2", "radii")]
    [InlineData("--radii", "0.3,0.2", "increasing")]
    [InlineData("--steps", "0", "steps")]
    [InlineData("--attack", "apgd-dlr", "attack apgd-dlr needs ≥ 3 classes")]
    [InlineData("--attack", "fgsm", "attack must be pgd, apgd-ce or apgd-dlr")]
    [InlineData("--norm", "l1", "norm l1")]
    [InlineData("--restarts", "3", "restarts applies to apgd")]
    [InlineData("--box", "1,0", "box")]
    public void RefusesBadAttackSettingsBeforeWork(string flag, string value, string named)
    {
        var (code, _, err) = Gpuprelu.Run("attack", "--model", "F", "--device", "cpu", flag, value, "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void RefusesANetworkOfAnotherInputDimension()
    {
        var (code, _, err) = Gpuprelu.Run("train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
            "--alpha", "0.1", "--p", "1", "--seeds", "1", "--width", "8", "--epochs", "1", "--n-train", "40", "--n-test", "20",
            "--batch-size", "20", "--save", "--out", Out("run"));
        Assert.True(code == 0, err);
        (code, _, err) = Gpuprelu.Run("attack", "--network", Path.Combine(Out("run"), "networks.safetensors"), "--input-dim", "20",
            "--subclasses", "4", "--positive-subclasses", "2", "--device", "cpu", "--out", Out("attack"));
        Assert.Equal(2, code);
        Assert.Contains("input_dim 20", err, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesRobustAccuracyOfTheIdealClassifiers()
    {
        var (code, stdout, err) = Gpuprelu.Run("attack", "--model", "Fp", "--p", "3", "--input-dim", "20", "--subclasses", "4",
            "--positive-subclasses", "2", "--alpha", "0.05", "--n", "40", "--radii", "0,0.3,1.2", "--steps", "60", "--step-size", "0.05",
            "--min-radius", "--device", "cpu", "--out", Out("fp"));
        Assert.True(code == 0, err + stdout);
        var lines = File.ReadAllLines(Path.Combine(Out("fp"), "robust_accuracy.csv"));
        Assert.Equal("network,p,alpha,seed,norm,attack,radius,robust_acc,n", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        double Acc(string attack, string radius) =>
            double.Parse(rows.Single(r => r[5] == attack && r[6] == radius)[7], CultureInfo.InvariantCulture);
        // clean points near orthonormal centers: all correct at 0, all robust at 0.3 < √2/2, none at 1.2 > 1 (= ‖μ_k‖)
        foreach (var attack in new[] { "pgd", "exact" })
        {
            Assert.Equal(1.0, Acc(attack, "0"));
            Assert.Equal(1.0, Acc(attack, "0.3"));
            Assert.Equal(0.0, Acc(attack, "1.2"));
        }
        Assert.Equal(41, File.ReadAllLines(Path.Combine(Out("fp"), "min_radius.csv")).Length);
    }

    [Theory]
    [InlineData("--steps", "0", "steps must be ≥ 1")]
    [InlineData("--restarts", "0", "restarts must be ≥ 1")]
    [InlineData("--step-size", "0.1", "step_size applies to pgd only")]
    [InlineData("--norm", "l1", "l1 APGD needs a box")]
    [InlineData("--radii", "-0.5", "radii must be ≥ 0")]
    public void RefusesBadApgdSettingsBeforeWork(string flag, string value, string named)
    {
        var (code, _, err) = Gpuprelu.Run("attack", "--model", "Fp", "--attack", "apgd-ce", "--device", "cpu", flag, value, "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void RefusesDlrOnABinaryNetworkFileBeforeWork()
    {
        var shape = new BatchShape(1, 0, 12, 3, 1, 0, 0);
        NetworkFile.Write(Out("binary.safetensors"), shape, new float[shape.ParameterCount], null, [1.0]);
        var (code, _, err) = Gpuprelu.Run("attack", "--network", Out("binary.safetensors"), "--attack", "apgd-dlr", "--subclasses", "4",
            "--positive-subclasses", "2", "--device", "cpu", "--out", Out("dlr"));
        Assert.Equal(2, code);
        Assert.Contains("apgd-dlr needs ≥ 3 classes", err, StringComparison.Ordinal);
        Assert.Contains("binary.safetensors", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("dlr")));
    }

    [Fact]
    public void ReportsANaNNetworkAndAttacksTheOthers()
    {
        // two networks of 3 classes, the second with a NaN weight: it is reported and its accuracy is NaN; the first is attacked
        int seed = System.Random.Shared.Next();
        var rng = new System.Random(seed);
        var shape = new BatchShape(2, 0, 12, 6, 3, 1, 0);
        var theta = NetworkCase.Normal(rng, shape.ParameterCount, 0.5);
        theta[shape.VOffset + shape.Hidden * shape.Outputs + 1] = float.NaN;
        NetworkFile.Write(Out("nan.safetensors"), shape, theta, null, [1.0, 2.0]);
        var (code, stdout, err) = Gpuprelu.Run("attack", "--network", Out("nan.safetensors"), "--attack", "apgd-dlr", "--norm", "linf",
            "--subclasses", "4", "--positive-subclasses", "2", "--n", "10", "--radii", "0,0.1", "--steps", "10", "--device", "cpu",
            "--out", Out("nan"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("NaN", stdout, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(Out("nan"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows.Where(r => r[0] == "1"), r => Assert.Equal("NaN", r[7]));
        Assert.All(rows.Where(r => r[0] == "0"), r => Assert.True(double.Parse(r[7], CultureInfo.InvariantCulture) is >= 0 and <= 1));
        Assert.All(rows, r => Assert.Equal("apgd-dlr", r[5]));
    }

    [Fact]
    public void ApgdCurveOfAnIdealClassifierNeverFallsBelowItsExactCurve()
    {
        var (code, stdout, err) = Gpuprelu.Run("attack", "--model", "Fp", "--p", "3", "--input-dim", "20", "--subclasses", "4",
            "--positive-subclasses", "2", "--alpha", "0.3", "--n", "30", "--radii", "0:1.2:7", "--attack", "apgd-ce", "--steps", "30",
            "--restarts", "2", "--min-radius", "--device", "cpu", "--out", Out("apgd"));
        Assert.True(code == 0, err + stdout);
        var rows = File.ReadAllLines(Path.Combine(Out("apgd"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        double Acc(string attack, string radius) =>
            double.Parse(rows.Single(r => r[5] == attack && r[6] == radius)[7], CultureInfo.InvariantCulture);
        var radii = rows.Where(r => r[5] == "exact").Select(r => r[6]).ToList();
        Assert.Equal(7, radii.Count);
        // an attack can only break points at or beyond their exact radius: its robust accuracy is never below the exact one
        foreach (var r in radii)
            Assert.True(Acc("apgd-ce", r) >= Acc("exact", r), $"radius {r}: apgd-ce {Acc("apgd-ce", r)} < exact {Acc("exact", r)}");
        Assert.Equal(0.0, Acc("apgd-ce", "1.2"));
    }
}
