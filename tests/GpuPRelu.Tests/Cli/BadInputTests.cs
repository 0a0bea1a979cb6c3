using System.Globalization;
using GpuPRelu.Configs;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>Bad inputs: each is refused with exit 2 and one line naming the file, key or field and the rule, before the
/// output folder exists; networks holding NaN are marked or refused.</summary>
[Collection(CliGroup.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-bad-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static readonly string[] Small = ["--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
        "--alpha", "0.1", "--seeds", "1", "--epochs", "1", "--n-train", "20", "--n-test", "10", "--batch-size", "10"];

    /// <summary>Two networks (p 1 and 3) of D 12, H 4, one output, with the given metadata and W values.</summary>
    private string WriteNetworks(string name, Dictionary<string, string> metadata, Action<float[]>? spoil = null)
    {
        var w = Enumerable.Range(0, 2 * 12 * 4).Select(i => (float)Math.Sin(i)).ToArray();
        spoil?.Invoke(w);
        var path = PathOf(name);
        SafeTensors.Write(path, [
            new("prelulayer.W", [2, 12, 4], w),
            new("output_net.weight", [2, 1, 4], [.. Enumerable.Range(0, 8).Select(i => (float)Math.Cos(i))]),
            new("p", [2], [1f, 3f]),
        ], metadata);
        return path;
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    public void AnApgdRestartsErrorIsPrintedOnce(string restarts)
    {
        var (code, _, err) = Gpuprelu.Run("attack", "--model", "F", "--attack", "apgd-ce", "--restarts", restarts, "--device", "cpu", "--out", PathOf("out"));
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n'), l => l.Contains("restarts must be ≥ 1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("normalize_input", "maybe", "metadata 'normalize_input' must be true or false, got 'maybe'")]
    [InlineData("alpha", "x,y", "metadata 'alpha' value 1 of 2 must be a number ≥ 0, got 'x'")]
    [InlineData("alpha", "0.1", "metadata 'alpha' has 1 values for 2 networks")]
    [InlineData("seed", "0,1.5", "metadata 'seed' value 2 of 2 must be an integer ≥ 0, got '1.5'")]
    public void BadMetadataIsRefusedNamingFileAndKey(string key, string value, string rule)
    {
        var file = WriteNetworks("meta.safetensors", new() { [key] = value });
        var (code, _, err) = Gpuprelu.Run("attack", "--network", file, "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2",
            "--n", "10", "--steps", "2", "--radii", "0,0.1", "--device", "cpu", "--out", PathOf("out"));
        Assert.Equal(2, code);
        Assert.Contains($"meta.safetensors: {rule}", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Theory]
    [InlineData("train", "--load", "load")]
    [InlineData("train", "--config", "config")]
    [InlineData("attack", "--network", "network")]
    [InlineData("evaluate", "--network", "network")]
    public void AFolderGivenAsAFileIsNamedAsSuch(string verb, string flag, string field)
    {
        var folder = Directory.CreateDirectory(PathOf("a-folder")).FullName;
        var (code, _, err) = Gpuprelu.Run(verb, flag, folder, "--device", "cpu", "--out", PathOf("out"));
        Assert.Equal(2, code);
        Assert.Contains($"{field}: '{folder}' is a folder; give a file", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Fact]
    public void ASecondYamlDocumentIsRefused()
    {
        File.WriteAllText(PathOf("two.yaml"), "width: 8\n---\nwidth: 9\n");
        var (code, _, err) = Gpuprelu.Run("train", "--config", PathOf("two.yaml"), "--device", "cpu", "--out", PathOf("out"));
        Assert.Equal(2, code);
        Assert.Contains("two.yaml: line 3: a second YAML document", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "--optimizer gd --flow-time 1e12", "flow_time / lr gives 5e+12 epochs of gd; at most 2147483647")]
    [InlineData("train", "--p 3,3", "p must not repeat a value")]
    [InlineData("fig2", "--preset quick --p 1,1", "p must not repeat a value")]
    public void ValuesThatMakeNoSenseAreRefused(string verb, string flags, string rule)
    {
        var (code, _, err) = Gpuprelu.Run([verb, .. flags.Split(' '), "--device", "cpu", "--out", PathOf("out")]);
        Assert.Equal(2, code);
        Assert.Contains(rule, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Theory]
    [InlineData("train --width 1000000000", "the parameters would hold 1.502e+14 values; one array holds at most 2147483591")]
    [InlineData("train --width 67108864", "the parameters would hold 1.008e+13 values")]
    [InlineData("train --n-train 2000000000", "each training set would hold 2e+12 values")]
    [InlineData("attack --model F --n 2000000000", "each network's test points would hold 2e+11 values")]
    public void SizesBeyondTheMemoryPlanAreRefusedBeforeAllocating(string command, string rule)
    {
        var (code, _, err) = Gpuprelu.Run([.. command.Split(' '), "--device", "cpu", "--out", PathOf("out")]);
        Assert.Equal(2, code);
        Assert.Contains(rule, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("out")));
    }

    [Fact]
    public void TheHostPlanNamesTheSizesAndTheBudget()
    {
        // 15 networks × (1000 × 2000 + 2000) floats = 0.112 GiB of parameters; 5 sets × 20000 × 1000 floats = 0.373 GiB of
        // training and as much of test data; 15 × 1000 floats of centers: 0.857 GiB in all
        var config = new Configs.TrainConfig { P = [1, 3, 5], Seeds = 5, Alpha = [0.1] };
        var line = Assert.Single(config.HostMemoryErrors(budget: 800L << 20));
        Assert.Contains("15 networks of input_dim 1000, width 2000", line, StringComparison.Ordinal);
        Assert.Contains("needs 0.857 GiB of host memory (the parameters 0.112 GiB, each training set × 5 0.373 GiB", line, StringComparison.Ordinal);
        Assert.Contains("but the budget is 0.781 GiB", line, StringComparison.Ordinal);
        Assert.Empty(config.HostMemoryErrors(budget: 900L << 20));
    }

    [Fact]
    public void InputsAreCheckedBeforeTheOutputFolderExists()
    {
        // evaluate: a feature table of 3 features for networks of D 12
        var net = WriteNetworks("net.safetensors", []);
        File.WriteAllText(PathOf("x.csv"), "a,b,c,label\n0.1,0.2,0.3,0\n0.4,0.5,0.6,1\n");
        var (code, _, err) = Gpuprelu.Run("evaluate", "--network", net, "--data", "features", "--features", PathOf("x.csv"),
            "--device", "cpu", "--out", PathOf("eval"));
        Assert.Equal(2, code);
        Assert.Contains("has 3 features per sample", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("eval")));
        // train --load: networks of another shape
        (code, _, err) = Gpuprelu.Run(["train", .. Small, "--width", "5", "--p", "1,3", "--load", net, "--out", PathOf("load")]);
        Assert.Equal(2, code);
        Assert.Contains("net.safetensors holds 2 networks of D 12, H 4", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("load")));
        // mnist: no data folder
        (code, _, err) = Gpuprelu.Run("mnist", "--preset", "quick", "--data-dir", PathOf("nowhere"), "--device", "cpu", "--out", PathOf("mnist"));
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(PathOf("mnist")));
    }

    [Fact]
    public void NonFiniteWeightsAreMarkedOrRefusedNamingTensorNetworkAndCount()
    {
        var file = WriteNetworks("nan.safetensors", new() { ["alpha"] = "0.1,0.1", ["seed"] = "0,0" }, w => w[12 * 4 + 5] = float.NaN);
        // evaluate: network 1 holds the NaN; its loss and accuracy are NaN, network 0's are numbers
        var (code, _, err) = Gpuprelu.Run("evaluate", "--network", file, "--data", "synthetic", "--subclasses", "4", "--positive-subclasses", "2",
            "--n", "20", "--device", "cpu", "--out", PathOf("eval"));
        Assert.True(code == 0, err);
        Assert.Contains("nan.safetensors: network 1: prelulayer.W holds 1 NaN or infinite value(s) of 48", err, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(PathOf("eval"), "evaluation.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.True(double.IsFinite(double.Parse(rows[0][5], CultureInfo.InvariantCulture)));
        Assert.Equal("NaN", rows[1][4]);
        Assert.Equal("NaN", rows[1][5]);
        // train --load: refused before any work
        (code, _, err) = Gpuprelu.Run(["train", .. Small, "--width", "4", "--p", "1,3", "--load", file, "--out", PathOf("load")]);
        Assert.Equal(2, code);
        Assert.Contains("nan.safetensors: network 1: prelulayer.W holds 1 NaN", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("load")));
    }
}
