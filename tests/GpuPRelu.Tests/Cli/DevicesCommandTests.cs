using System.Globalization;
using GpuPRelu.Devices;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class DevicesCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-devices-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Each verb that has --device, with the fewest flags that pass its validation.</summary>
    public static TheoryData<string> VerbsWithDevice => ["train", "fig2", "fig5", "mnist", "probe", "attack", "certify", "evaluate", "bench", "sweep"];

    [Fact]
    public void ListsEveryDeviceByItsSpec()
    {
        var (code, stdout, err) = Gpuprelu.Run("devices");
        Assert.True(code == 0, err);
        var lines = stdout.Split('\n');
        var cpu = lines.SingleOrDefault(l => l.StartsWith("cpu:0 ", StringComparison.Ordinal));
        Assert.NotNull(cpu);
        Assert.Contains("warp", cpu, StringComparison.OrdinalIgnoreCase);
        Assert.Single(lines, l => l.StartsWith("ilgpu-cpu:0 ", StringComparison.Ordinal));
        int cuda = ComputeDevice.Count(DeviceKind.Cuda);
        for (int i = 0; i <= cuda; i++)
            Assert.Equal(i < cuda ? 1 : 0, lines.Count(l => l.StartsWith($"cuda:{i} ", StringComparison.Ordinal)));
    }

    [Fact]
    public void UnknownVerbIsAUsageError()
    {
        var (code, _, _) = Gpuprelu.Run("tarin");
        Assert.Equal(2, code);
    }

    [Fact]
    public void TheVerbListCoversEveryVerbWithDevice()
    {
        var (_, help, _) = Gpuprelu.Run("--help");
        var verbs = help[help.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Select(l => l.Trim().Split(' ')[0]).Where(v => v.Length > 0).ToList();
        Assert.Contains("train", verbs);
        var withDevice = verbs.Where(v => Gpuprelu.Run(v, "--help").Out.Contains("--device", StringComparison.Ordinal));
        Assert.Equal(VerbsWithDevice.Select(d => (string)d.Data).Order(), withDevice.Order());
    }

    [Theory]
    [MemberData(nameof(VerbsWithDevice))]
    public void EveryVerbRefusesAnAbsentDeviceIndexBeforeWork(string verb)
    {
        int cuda = ComputeDevice.Count(DeviceKind.Cuda);
        string absent = string.Create(CultureInfo.InvariantCulture, $"cuda:{cuda}");
        var (code, _, err) = Gpuprelu.Run([.. Valid(verb), "--device", absent, "--out", Out(verb)]);
        Assert.True(code == 2, err);
        Assert.Contains($"--device {absent}: " + (cuda == 0 ? "no CUDA device is present here (present: " : $"only {cuda} CUDA device"),
            err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out(verb)), "the output folder was created although the device was refused");

        (code, _, err) = Gpuprelu.Run([.. Valid(verb), "--device", "cpu:1", "--out", Out(verb)]);
        Assert.True(code == 2, err);
        Assert.Contains("--device cpu:1: the managed CPU path is one device, cpu:0", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out(verb)));
    }

    [Fact]
    public void TrainRunsOnASecondIlgpuCpuInstance()
    {
        var (code, stdout, err) = Gpuprelu.Run("train", "--device", "ilgpu-cpu:1", "--input-dim", "8", "--subclasses", "4",
            "--positive-subclasses", "2", "--alpha", "0.1", "--p", "1,3", "--seeds", "1", "--width", "4", "--init-scale", "0.1",
            "--epochs", "1", "--batch-size", "20", "--n-train", "40", "--n-test", "20", "--out", Out("run"));
        Assert.True(code == 0, err);
        Assert.Contains("device ilgpu-cpu:1: ", stdout, StringComparison.Ordinal);
        Assert.Contains("\"ilgpu-cpu:1: ", File.ReadAllText(Path.Combine(Out("run"), "manifest.json")), StringComparison.Ordinal);
        Assert.Equal(1 + 2 * 2, File.ReadAllLines(Path.Combine(Out("run"), "training.csv")).Length);
    }

    private string[] Valid(string verb) => verb switch
    {
        "train" => ["train"],
        "fig2" or "fig5" or "mnist" => [verb, "--preset", "quick"],
        "probe" => ["probe", "--features", Features()],
        "attack" => ["attack", "--model", "F"],
        "certify" => ["certify", "--model", "F"],
        "evaluate" => ["evaluate", "--network", TorchNet.Random(Out("net.safetensors"), 784, 4, 1, 3).Path, "--p", "1", "--data", "mnist"],
        "bench" => ["bench", "--config", "quick"],
        "sweep" => ["sweep", "--preset", "width-dim"],
        _ => throw new ArgumentException($"no valid arguments for '{verb}'", nameof(verb)),
    };

    private string Features()
    {
        var path = Out("features.csv");
        File.WriteAllLines(path, ["label,f0,f1", "0,1,0", "1,0,1", "0,2,0", "1,0,2"]);
        return path;
    }
}
