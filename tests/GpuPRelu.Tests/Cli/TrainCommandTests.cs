using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class TrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-cli-");

    // a few seconds on the CPU accelerator
    private static readonly string[] Tiny =
    [
        "train", "--device", "cpu", "--input-dim", "12", "--subclasses", "4", "--positive-subclasses", "2", "--alpha", "0.1",
        "--p", "1,3", "--seeds", "2", "--width", "8", "--init-scale", "0.01", "--epochs", "3", "--batch-size", "20",
        "--n-train", "60", "--n-test", "40",
    ];

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void RefusesInvalidFieldsBeforeAnyWork()
    {
        var (code, _, err) = Gpuprelu.Run("train", "--input-dim", "3", "--subclasses", "5", "--positive-subclasses", "5",
            "--alpha", "-0.1", "--p", "0.5", "--width", "0", "--lr", "0", "--n-train", "0", "--out", Out("bad"));
        Assert.Equal(2, code);
        foreach (var field in new[] { "positive_subclasses", "input_dim", "alpha", "p ", "width", "lr", "n_train" })
            Assert.Contains(field, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")), "the output folder was created although the config was refused");
    }

    [Theory]
    [InlineData("--device", "tpu", "device")]
    [InlineData("--optimizer", "lbfgs", "optimizer")]
    [InlineData("--loss", "hinge", "loss")]
    [InlineData("--alpha", "0.1:0.3:x", "alpha")]
    public void RefusesUnknownChoices(string flag, string value, string field)
    {
        var (code, _, err) = Gpuprelu.Run([.. Tiny, flag, value, "--out", Out("bad")]);
        Assert.Equal(2, code);
        Assert.Contains(field, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out("bad")));
    }

    [Theory]
    [InlineData("alpha: [0.1, 0.2\n", "config.yaml")]
    [InlineData("input_dimension: 10\n", "input_dimension")]
    [InlineData("width: many\n", "width")]
    public void RefusesMalformedConfig(string yaml, string named)
    {
        var path = Out("config.yaml");
        File.WriteAllText(path, yaml);
        var (code, _, err) = Gpuprelu.Run("train", "--config", path, "--out", Out("bad"));
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesNonEmptyOutputWithoutOverwrite()
    {
        Directory.CreateDirectory(Out("busy"));
        File.WriteAllText(Path.Combine(Out("busy"), "keep.txt"), "mine");
        var (code, _, err) = Gpuprelu.Run([.. Tiny, "--out", Out("busy")]);
        Assert.Equal(2, code);
        Assert.Contains("--overwrite", err, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Out("busy"), "keep.txt")));
    }

    /// <summary>A switch set in a config file stays set when its flag is not given (System.CommandLine gives an absent
    /// bool option an implicit result, which used to override the file with false); a flag given still wins.</summary>
    [Fact]
    public void SwitchesFromAConfigFileSurviveAbsentFlags()
    {
        File.WriteAllText(Out("on.yaml"), "bias: true\ncenter: true\n");
        var (code, stdout, err) = Gpuprelu.Run([.. Tiny, "--config", Out("on.yaml"), "--center", "false", "--out", Out("cfg")]);
        Assert.True(code == 0, err + stdout);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("cfg"), "manifest.json")));
        var config = manifest.RootElement.GetProperty("config");
        Assert.True(config.GetProperty("bias").GetBoolean());
        Assert.False(config.GetProperty("center").GetBoolean());
    }

    [Fact]
    public void SavedNetworksHaveReferenceNamesAndLoadBack()
    {
        var (code, stdout, err) = Gpuprelu.Run([.. Tiny, "--bias", "--center", "--save", "--out", Out("run")]);
        Assert.True(code == 0, err + stdout);
        foreach (var file in new[] { "training.csv", "summary.csv", "manifest.json", "networks.safetensors" })
            Assert.True(File.Exists(Path.Combine(Out("run"), file)), file);
        Assert.StartsWith("network,p,alpha,seed,epoch,step,flow_time,loss,train_acc,test_loss,test_acc,diverged",
            File.ReadLines(Path.Combine(Out("run"), "training.csv")).First(), StringComparison.Ordinal);

        // read the file as any safetensors reader would: u64 header length, JSON header, little-endian payload
        var bytes = File.ReadAllBytes(Path.Combine(Out("run"), "networks.safetensors"));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var expected = new Dictionary<string, int[]>
        {
            ["prelulayer.W"] = [4, 12, 8], ["output_net.weight"] = [4, 1, 8], ["output_net.bias"] = [4, 1],
            ["center"] = [4, 1, 12], ["p"] = [4],
        };
        foreach (var (name, shape) in expected)
        {
            var tensor = header.RootElement.GetProperty(name);
            Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        var p = header.RootElement.GetProperty("p");
        int begin = p.GetProperty("data_offsets")[0].GetInt32();
        var pValues = Enumerable.Range(0, 4).Select(i => p.GetProperty("dtype").GetString() == "F64"
            ? BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 + headerLength + begin + 8 * i))
            : BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + begin + 4 * i))).ToArray();
        Assert.Equal([1.0, 3.0, 1.0, 3.0], pValues);

        // loading the trained networks back starts where the first run ended: epoch 0 of run 2 = last epoch of run 1
        (code, stdout, err) = Gpuprelu.Run([.. Tiny, "--bias", "--center", "--load", Path.Combine(Out("run"), "networks.safetensors"), "--out", Out("again")]);
        Assert.True(code == 0, err + stdout);
        var first = TestAccuracies(Out("run"), epoch: 3);
        var resumed = TestAccuracies(Out("again"), epoch: 0);
        Assert.Equal(first, resumed);
    }

    [Fact]
    public void RefusesTruncatedNetworkFile()
    {
        var (code, _, err) = Gpuprelu.Run([.. Tiny, "--save", "--out", Out("run")]);
        Assert.True(code == 0, err);
        var path = Path.Combine(Out("run"), "networks.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        (code, _, err) = Gpuprelu.Run([.. Tiny, "--load", path, "--out", Out("again")]);
        Assert.Equal(2, code);
        Assert.Contains("networks.safetensors", err, StringComparison.Ordinal);
    }

    private static string[] TestAccuracies(string dir, int epoch)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "training.csv"));
        var columns = lines[0].Split(',');
        int e = Array.IndexOf(columns, "epoch"), acc = Array.IndexOf(columns, "test_acc"), loss = Array.IndexOf(columns, "test_loss");
        return [.. lines.Skip(1).Select(l => l.Split(','))
            .Where(f => int.Parse(f[e], CultureInfo.InvariantCulture) == epoch).Select(f => f[acc] + "/" + f[loss])];
    }
}
