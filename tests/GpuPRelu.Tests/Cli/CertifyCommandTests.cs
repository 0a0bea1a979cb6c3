using System.Globalization;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class CertifyCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-certify-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("--branches", "0", "branches must be ≥ 1")]
    [InlineData("--p", "0.5", "p must be finite and ≥ 1")]
    [InlineData("--box", "1,0", "box")]
    [InlineData("--radii", "0.3,0.2", "increasing")]
    [InlineData("--attack", "fgsm", "attack must be")]
    public void RefusesBadSettingsBeforeWork(string flag, string value, string named)
    {
        var (code, _, err) = Gpuprelu.Run("certify", "--model", "Fp", "--device", "cpu", flag, value, "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Fact]
    public void CertifiedRadiiStayBelowFabTOnTrainedNetworks()
    {
        // two small trained networks (p 1 and 3), as trained and with normalize_input switched on (a_j / ‖x − c‖^(p−1), the
        // same for the attack); fab-t's smallest norm per point bounds every certified radius from above
        var (code, _, err) = Gpuprelu.Run("train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
            "--alpha", "0.2", "--p", "1,3", "--seeds", "1", "--width", "16", "--epochs", "40", "--n-train", "200", "--n-test", "40",
            "--batch-size", "20", "--lr", "0.2", "--save", "--out", Out("run"));
        Assert.True(code == 0, err);
        string networks = Path.Combine(Out("run"), "networks.safetensors");
        var (code2, stdout, err2) = Gpuprelu.Run("certify", "--network", networks, "--subclasses", "4", "--positive-subclasses", "2", "--n", "30",
            "--radii", "0:1.2:7", "--attack", "fab-t", "--branches", "8", "--device", "cpu", "--out", Out("cert"));
        Assert.True(code2 == 0, err2 + stdout);
        (code, _, err) = Gpuprelu.Run("certify", "--network", networks, "--normalize-input", "true", "--subclasses", "4", "--positive-subclasses", "2",
            "--n", "30", "--radii", "0:1.2:7", "--attack", "fab-t", "--device", "cpu", "--out", Out("norm"));
        Assert.True(code == 0, err);
        foreach (string run in new[] { "cert", "norm" })
            CheckBelowFabT(Out(run));
    }

    // every certified radius ≤ fab-t's norm, certified accuracy ≤ fab-t's at every radius, zero violations
    private static void CheckBelowFabT(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "certified.csv"));
        Assert.Equal("network,p,alpha,seed,point,label,norm,certified_radius,method,attack_radius,gap", lines[0]);
        Assert.Equal(1 + 2 * 30, lines.Length);
        int positive = 0;
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            double certified = double.Parse(cells[7], CultureInfo.InvariantCulture);
            positive += certified > 0 ? 1 : 0;
            if (cells[9].Length > 0)
                Assert.True(certified <= double.Parse(cells[9], CultureInfo.InvariantCulture), $"{dir}: certified above fab-t: {string.Join(",", cells)}");
        }
        Assert.True(positive >= 30, $"{dir}: only {positive} of 60 points certified above 0");
        // robust accuracy: proven ≤ attacked at every radius
        var acc = File.ReadAllLines(Path.Combine(dir, "robust_accuracy.csv")).Skip(1).Select(l => l.Split(','))
            .ToLookup(c => (c[0], c[5], c[6]), c => double.Parse(c[7], CultureInfo.InvariantCulture));
        foreach (var key in acc.Select(g => g.Key).Where(k => k.Item2 == "certified"))
            Assert.True(acc[key].Single() <= acc[(key.Item1, "fab-t", key.Item3)].Single(), $"certified accuracy above fab-t's at {key}");
        Assert.Contains("\"soundness_violations\": 0", File.ReadAllText(Path.Combine(dir, "manifest.json")), StringComparison.Ordinal);
    }
}
