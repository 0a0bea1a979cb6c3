using System.Globalization;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Interop;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class AttackCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-attack-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly double[] RadiusFractions = [0.0, 0.2, 0.4, 0.7, 1.0, 1.5];

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData("--radii", "-0.1,0.2", "radii")]
    [InlineData("--radii", "0.3,0.2", "increasing")]
    [InlineData("--steps", "0", "steps")]
    [InlineData("--attack", "apgd-dlr", "attack apgd-dlr needs ≥ 3 classes")]
    [InlineData("--attack", "fgsm", "attack must be pgd, apgd-ce, apgd-dlr, apgd-t")]
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

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void ReportsANaNNetworkAndAttacksTheOthers(int seed)
    {
        // two networks of 3 classes, the second with a NaN weight: it is reported and its accuracy is NaN; the first is attacked
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

    /// <summary>APGD-CE l∞ through `--data features` on a network whose exact l∞ radii are known: two ReLU neurons ±w
    /// (p = 1) with output weights making logit₁ − logit₀ = ReLU(z) − ReLU(−z) − 1 = z − 1, z = ⟨w, x⟩, a linear classifier
    /// in pReLU form, so a point flips at the l∞ distance |z₀ − 1|/‖w‖₁ (the corner x ∓ ε·sign(w)). The attack must break
    /// every point beyond 1.03× its radius and none below 0.97×.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void ApgdOnAFeatureTableFindsTheExactLinfRadiiOfALinearPReluNetwork(int seed)
    {
        var rng = new System.Random(seed);
        const int D = 8, N = 40;
        var w = NetworkCase.Normal(rng, D, 1.0);
        double w1 = w.Sum(v => Math.Abs((double)v)), w2 = w.Sum(v => (double)v * v);
        var pair = new float[2 * D];
        for (int d = 0; d < D; d++)
            (pair[2 * d], pair[2 * d + 1]) = (w[d], -w[d]);
        TorchNet.Write(Out("one.safetensors"), new float[D], pair, [0f, 0f, 1f, -1f], [0f, -1f]);
        var exact = new double[N];
        var lines = new List<string> { "label," + string.Join(",", Enumerable.Range(0, D).Select(d => $"x{d}")) };
        for (int i = 0; i < N; i++)
        {
            int label = i % 2;
            double z0 = label == 1 ? 1.2 + rng.NextDouble() : 0.8 - 1.5 * rng.NextDouble();
            var g = NetworkCase.Normal(rng, D, 1.0).Select(v => (double)v).ToArray();
            double shift = (z0 - g.Zip(w, (a, b) => a * b).Sum()) / w2;
            var x = g.Select((v, d) => (float)(v + shift * w[d])).ToArray();
            exact[i] = Math.Abs(x.Zip(w, (a, b) => (double)a * b).Sum() - 1) / w1;
            lines.Add(label + "," + string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        File.WriteAllLines(Out("points.csv"), lines);
        var radii = RadiusFractions.Select(q => q * exact.Max()).ToArray();
        var (code, stdout, err) = Gpuprelu.Run("attack", "--network", Out("one.safetensors"), "--p", "1", "--data", "features",
            "--features", Out("points.csv"), "--attack", "apgd-ce", "--norm", "linf", "--steps", "20",
            "--radii", string.Join(",", radii.Select(r => r.ToString("R", CultureInfo.InvariantCulture))), "--device", "cpu", "--out", Out("one"));
        Assert.True(code == 0, err + stdout);
        var rows = File.ReadAllLines(Path.Combine(Out("one"), "robust_accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(radii.Length, rows.Count);
        for (int r = 0; r < radii.Length; r++)
        {
            double robust = double.Parse(rows[r][7], CultureInfo.InvariantCulture) * N;
            int least = exact.Count(e => e > 1.03 * radii[r]), most = exact.Count(e => e > 0.97 * radii[r]);
            Assert.True(robust >= least && robust <= most,
                $"radius {radii[r]}: {robust} robust, exact radii say {least}..{most} (seed {seed})");
            Assert.Equal("NaN", rows[r][2]);
            Assert.Equal(N.ToString(CultureInfo.InvariantCulture), rows[r][8]);
        }
    }

    /// <summary>A PyTorch state dict attacked on MNIST pixels: radius 0 gives the clean accuracy of the reference's float64
    /// forward pass on the same images, the box [0, 1] is the default, the curve never rises; and what does not fit is
    /// refused before the output folder exists.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void AttacksAPyTorchStateDictOnMnistAndRefusesWhatDoesNotFit(int seed)
    {
        const int D = 784, H = 8, C = 2, N = 30;
        var net = TorchNet.Random(Out("torch.safetensors"), D, H, C, seed);
        var (code, stdout, err) = Gpuprelu.Run("attack", "--network", net.Path, "--p", "3", "--normalize-input", "true", "--data", "mnist",
            "--n", $"{N}", "--attack", "apgd-ce", "--norm", "linf", "--radii", "0,0.05,0.1", "--steps", "10", "--device", "cpu", "--out", Out("m"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("box [0, 1]", stdout, StringComparison.Ordinal);
        var data = MnistData.Load(MnistData.Locate(), MnistSplit.Valid, C, N);
        var f = ShallowPreluNetReference.Forward(data.X, net.Center, net.W, net.Weight, net.Bias, 3, true, N, D, H, C);
        double clean = Enumerable.Range(0, N).Count(i => (f[2 * i + 1] > f[2 * i] ? 1 : 0) == data.Y[i]) / (double)N;
        var acc = File.ReadAllLines(Path.Combine(Out("m"), "robust_accuracy.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[7], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, acc.Count);
        Assert.Equal(clean, acc[0], 9);
        Assert.True(acc[1] <= acc[0] && acc[2] <= acc[1], $"not monotone: {string.Join(" ", acc)} (seed {seed})");

        File.WriteAllText(Out("four.csv"), "a,b,c,d,label\n1,2,3,4,0\n5,6,7,8,1\n");
        foreach (var (args, named) in new (string[], string)[]
        {
            (["--network", net.Path, "--data", "mnist"], "give p (--p)"),
            (["--network", net.Path, "--p", "2", "--data", "features", "--features", Out("four.csv")], "has 4 features per sample"),
            (["--model", "F", "--data", "mnist"], "needs a network"),
            (["--network", net.Path, "--p", "2", "--layer-norm"], "apply to --data mnist or features"),
        })
        {
            (code, _, err) = Gpuprelu.Run(["attack", .. args, "--device", "cpu", "--out", Out("refused")]);
            Assert.Equal(2, code);
            Assert.Contains(named, err, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Out("refused")));
        }
    }
}
