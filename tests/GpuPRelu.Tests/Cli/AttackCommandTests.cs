using System.Globalization;
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
    [InlineData("--attack", "apgd-dlr", "attack")]
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
}
