using System.CommandLine;
using System.Globalization;
using GpuPRelu.Cli;
using GpuPRelu.Cli.Commands;
using GpuPRelu.Data;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Interop;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu evaluate` end to end on the CPU: a network in the reference's PyTorch layout on real MNIST rows
/// and on a feature table, and the refusals.</summary>
[Collection(DeviceGroup.Name)]
public sealed class EvaluateCommandTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("evaluate-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(_dir.FullName, name);

    static int Run(params string[] args)
    {
        var root = new RootCommand("test");
        root.Options.Add(CommonOptions.Verbose);
        root.Subcommands.Add(EvaluateCommand.Create());
        return Runner.Invoke(root, args);
    }

    /// <summary>A state_dict of ShallowPreluNet(D, h, C, bias) with random weights, as safetensors.</summary>
    TorchNet WriteTorchNet(int D, int H, int C, int seed) => TorchNet.Random(PathOf($"net{seed}.safetensors"), D, H, C, seed);

    static double[] ReadLogits(string path, int C) =>
        [.. File.ReadLines(path).Skip(1).SelectMany(line => line.Split(',').Skip(3).Take(C)).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    [Fact]
    public void Mnist_LogitsMatchReferenceForward()
    {
        const int D = 784, H = 8, C = 10, N = 40;
        var net = WriteTorchNet(D, H, C, seed: 1);
        var outDir = PathOf("out");

        int code = Run("evaluate", "--network", net.Path, "--p", "3", "--normalize-input", "true", "--data", "mnist", "--split", "official-test",
            "--n", $"{N}", "--device", "cpu", "--out", outDir, "--logits");

        Assert.Equal(0, code);
        var data = MnistData.Load(MnistData.Locate(), MnistSplit.OfficialTest, C, N);
        var expected = ShallowPreluNetReference.Forward(data.X, net.Center, net.W, net.Weight, net.Bias, 3, true, N, D, H, C);
        Close.Assert(expected, ReadLogits(Path.Combine(outDir, "logits.csv"), C), atol: 1e-5, what: "logits"); // float32 sums of 784 terms
        var rows = File.ReadAllLines(Path.Combine(outDir, "evaluation.csv"));
        Assert.Equal("network,p,data,samples,loss,accuracy", rows[0]);
        Assert.StartsWith($"0,3,mnist:official-test,{N},", rows[1], StringComparison.Ordinal);
        Assert.Equal(2, rows.Length);
    }

    [Fact]
    public void FeatureCsv_WithLayerNorm()
    {
        const int D = 6, H = 5, C = 3, N = 9;
        var net = WriteTorchNet(D, H, C, seed: 2);
        var rng = new System.Random(5);
        var x = TorchNet.Uniform(rng, N * D, 3);
        var y = Enumerable.Range(0, N).Select(_ => rng.Next(C)).ToArray();
        var csv = PathOf("features.csv");
        File.WriteAllLines(csv, new[] { "label," + string.Join(",", Enumerable.Range(0, D).Select(d => $"f{d}")) }
            .Concat(Enumerable.Range(0, N).Select(n => y[n] + "," + string.Join(",", x.Skip(n * D).Take(D).Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
        var outDir = PathOf("out");

        int code = Run("evaluate", "--network", net.Path, "--p", "1.5", "--data", "features", "--features", csv, "--layer-norm",
            "--device", "cpu", "--out", outDir, "--logits");

        Assert.Equal(0, code);
        var normalized = FeatureTable.LayerNormalize(new DataSet(x, y, N, D, C)).X;
        var expected = ShallowPreluNetReference.Forward(normalized, net.Center, net.W, net.Weight, net.Bias, 1.5, false, N, D, H, C);
        Close.Assert(expected, ReadLogits(Path.Combine(outDir, "logits.csv"), C), atol: 1e-5, what: "logits");
    }

    [Fact]
    public void RefusesShapesThatDoNotFit_AndMissingP()
    {
        var net = WriteTorchNet(5, 3, 2, seed: 3);
        var csv = PathOf("four.csv");
        File.WriteAllText(csv, "a,b,c,d,y\n1,2,3,4,0\n5,6,7,8,1\n");
        var labels = PathOf("labels.csv");
        File.WriteAllText(labels, "1\n0\n1\n");

        int wrongD = Run("evaluate", "--network", net.Path, "--p", "2", "--data", "features", "--features", csv, "--label-column", "y",
            "--device", "cpu", "--out", PathOf("a"));
        int wrongCount = Run("evaluate", "--network", net.Path, "--p", "2", "--data", "features", "--features", csv, "--labels", labels,
            "--device", "cpu", "--out", PathOf("b"));
        int noP = Run("evaluate", "--network", net.Path, "--data", "mnist", "--n", "5", "--device", "cpu", "--out", PathOf("c"));
        int mnistD = Run("evaluate", "--network", net.Path, "--p", "1", "--n", "5", "--device", "cpu", "--out", PathOf("d"));

        Assert.Equal((2, 2, 2, 2), (wrongD, wrongCount, noP, mnistD));
        foreach (var dir in new[] { "a", "b", "c", "d" })
            Assert.False(File.Exists(Path.Combine(PathOf(dir), "evaluation.csv")));
    }
}
