using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>attack and evaluate read --config FILE.yaml as every verb does (the same keys as their flags, flags over the
/// file): a run from a file writes the same bytes as the run from the flags.</summary>
[Collection(CliGroup.Name)]
public sealed class ConfigFileOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-config-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private (int Code, string Out, string Err) Run(string yaml, params string[] args)
    {
        File.WriteAllText(PathOf("run.yaml"), yaml);
        return Gpuprelu.Run([.. args, "--config", PathOf("run.yaml"), "--device", "cpu"]);
    }

    [Fact]
    public void Attack_FromAFileWritesWhatTheFlagsWrite()
    {
        string[] flags = ["--model", "Fp", "--p", "1,3", "--input-dim", "20", "--subclasses", "4", "--positive-subclasses", "2",
            "--alpha", "0.05", "--n", "30", "--radii", "0,0.4,1.2", "--steps", "20", "--attack", "apgd-ce,apgd-t", "--norm", "linf"];
        var (code, stdout, err) = Gpuprelu.Run(["attack", .. flags, "--device", "cpu", "--out", PathOf("flags")]);
        Assert.True(code == 0, err + stdout);
        // the file sets every value but n, the flag sets n over the file's 7
        (code, stdout, err) = Run("""
            model: Fp
            p: [1, 3]
            input_dim: 20
            subclasses: 4
            positive_subclasses: 2
            alpha: 0.05
            n: 7
            radii: 0,0.4,1.2
            steps: 20
            attack: apgd-ce,apgd-t
            norm: linf
            """, "attack", "--n", "30", "--out", PathOf("file"));
        Assert.True(code == 0, err + stdout);
        Assert.Equal(File.ReadAllText(PathOf("flags/robust_accuracy.csv")), File.ReadAllText(PathOf("file/robust_accuracy.csv")));
        Assert.Contains(",30", File.ReadAllLines(PathOf("file/robust_accuracy.csv"))[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FromAFileWritesWhatTheFlagsWrite()
    {
        var shape = new BatchShape(2, 0, 12, 5, 1, 0, 0);
        NetworkFile.Write(PathOf("net.safetensors"), shape, NetworkCase.Normal(new System.Random(3), shape.ParameterCount, 0.5), null, [1.0, 2.0]);
        var (code, stdout, err) = Gpuprelu.Run("evaluate", "--network", PathOf("net.safetensors"), "--data", "synthetic", "--n", "50",
            "--subclasses", "4", "--positive-subclasses", "2", "--alpha", "0.2", "--seed", "5", "--logits", "--device", "cpu", "--out", PathOf("flags"));
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = Run($"""
            network: {PathOf("net.safetensors")}
            data: synthetic
            n: 50
            subclasses: 4
            positive_subclasses: 2
            alpha: 0.2
            seed: 5
            logits: true
            """, "evaluate", "--out", PathOf("file"));
        Assert.True(code == 0, err + stdout);
        foreach (var csv in new[] { "evaluation.csv", "logits.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(PathOf("flags"), csv)), File.ReadAllText(Path.Combine(PathOf("file"), csv)));
    }

    [Theory]
    [InlineData("attack", "model: F\nsteps: [1, 2]\n", "steps: '1,2' is not an integer")]
    [InlineData("attack", "model: F\nattack: fgsm\n", "attack must be pgd, apgd-ce")]
    [InlineData("attack", "model: F\nrandom_centers: maybe\n", "random_centers: 'maybe' is not true or false")]
    [InlineData("attack", "model: F\nnetwork_file: x\n", "unknown key 'network_file'")]
    [InlineData("evaluate", "normalize_input: maybe\n", "normalize_input: 'maybe' is not true or false")]
    [InlineData("evaluate", "data: synthetic\n", "network: give the networks file")]
    public void RefusesABadFileNamingTheKey(string verb, string yaml, string named)
    {
        var (code, _, err) = Run(yaml, verb, "--out", PathOf("bad"));
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(PathOf("bad")));
    }

    [Fact]
    public void HelpShowsTheRecordsDefaults()
    {
        var (_, help, _) = Gpuprelu.Run("attack", "--help");
        Assert.Contains("[default: 0:1.5:15]", help, StringComparison.Ordinal);
        Assert.Contains("[default: synthetic]", help, StringComparison.Ordinal);
        (_, help, _) = Gpuprelu.Run("evaluate", "--help");
        Assert.Contains("[default: mnist]", help, StringComparison.Ordinal);
        Assert.Contains("[default: 255]", help, StringComparison.Ordinal);
    }
}
