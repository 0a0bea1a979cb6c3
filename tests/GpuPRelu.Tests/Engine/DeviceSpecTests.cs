using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

[Collection(DeviceGroup.Name)]
public sealed class DeviceSpecTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0, "auto")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("CUDA:1", DeviceKind.Cuda, 1, "cuda:1")]
    [InlineData(" opencl:2 ", DeviceKind.OpenCL, 2, "opencl:2")]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu:0")]
    [InlineData("cpu:0", DeviceKind.Cpu, 0, "cpu:0")]
    [InlineData("ilgpu-cpu", DeviceKind.IlgpuCpu, 0, "ilgpu-cpu:0")]
    [InlineData("ilgpu-cpu:15", DeviceKind.IlgpuCpu, 15, "ilgpu-cpu:15")]
    public void ParsesKindAndIndex(string text, DeviceKind kind, int index, string written)
    {
        var spec = DeviceSpec.Parse(text);
        Assert.Equal(new DeviceSpec(kind, index), spec);
        Assert.Equal(written, spec.ToString());
        Assert.Equal(spec, DeviceSpec.Parse(written));
    }

    [Theory]
    [InlineData("tpu", "'tpu' is not one of auto, cuda, opencl, cpu, ilgpu-cpu")]
    [InlineData("", "'' is not one of")]
    [InlineData("cuda:", "the index after ':' must be a non-negative integer")]
    [InlineData("cuda:-1", "the index after ':' must be a non-negative integer")]
    [InlineData("cuda:1:2", "the index after ':' must be a non-negative integer")]
    [InlineData("cuda:x", "the index after ':' must be a non-negative integer")]
    [InlineData("auto:0", "auto takes no index")]
    [InlineData("cpu:1", "the managed CPU path is one device, cpu:0")]
    [InlineData("ilgpu-cpu:16", "ilgpu-cpu takes the indices 0 … 15")]
    public void RefusesBadSpecsNamingTheFlagAndTheRule(string text, string rule)
    {
        var refused = Assert.Throws<FormatException>(() => DeviceSpec.Parse(text, "--gpu"));
        Assert.StartsWith($"--gpu {text}: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(rule, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cuda:0,cuda:2", "cuda:0,cuda:2")]
    [InlineData("ilgpu-cpu:0, ilgpu-cpu:1,ilgpu-cpu:3", "ilgpu-cpu:0,ilgpu-cpu:1,ilgpu-cpu:3")]
    [InlineData("cpu", "cpu:0")]
    [InlineData("cuda:1,cpu", "cuda:1,cpu:0")]
    public void ParsesDeviceLists(string text, string written) =>
        Assert.Equal(written, string.Join(",", DeviceSpec.ParseList(text)));

    [Fact]
    public void AllIsEveryCudaDeviceElseOneCpu()
    {
        int cuda = ComputeDevice.Count(DeviceKind.Cuda);
        var expected = cuda == 0 ? ["cpu:0"] : Enumerable.Range(0, cuda).Select(i => $"cuda:{i}").ToArray();
        Assert.Equal(expected, DeviceSpec.ParseList("all").Select(s => s.ToString()));
        Assert.Equal(expected, DeviceSpec.ParseList(" ALL ").Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("", "no empty entries")]
    [InlineData("cuda:0,,cuda:1", "no empty entries")]
    [InlineData("cuda:0,", "no empty entries")]
    [InlineData("cuda,cuda:0", "cuda:0 is named 2 times")]
    [InlineData("ilgpu-cpu:1,ilgpu-cpu:0,ilgpu-cpu:1", "ilgpu-cpu:1 is named 2 times")]
    [InlineData("auto,cpu", "auto cannot stand beside other devices")]
    [InlineData("cuda:0,gpu:1", "'gpu' is not one of")]
    public void RefusesBadDeviceLists(string text, string rule)
    {
        var refused = Assert.Throws<FormatException>(() => DeviceSpec.ParseList(text));
        Assert.StartsWith("--devices ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(rule, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbsentDevicesAreNamedWithTheDevicesPresent()
    {
        int cuda = ComputeDevice.Count(DeviceKind.Cuda);
        var absent = new DeviceSpec(DeviceKind.Cuda, cuda);
        var reason = ComputeDevice.Unavailable(absent);
        Assert.NotNull(reason);
        Assert.Contains(cuda == 0 ? "no CUDA device is present here (present: ilgpu-cpu:0, cpu:0" : $"only {cuda} CUDA device", reason,
            StringComparison.Ordinal);
        var refused = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Open(absent));
        Assert.Equal($"device cuda:{cuda}: {reason}", refused.Message);
        Assert.Null(ComputeDevice.Unavailable(new DeviceSpec(DeviceKind.Cpu)));
        Assert.Null(ComputeDevice.Unavailable(new DeviceSpec(DeviceKind.IlgpuCpu, DeviceSpec.IlgpuCpuInstances - 1)));
        Assert.NotNull(ComputeDevice.Unavailable(new DeviceSpec(DeviceKind.Cpu, 1)));
        Assert.Throws<InvalidOperationException>(() => ComputeDevice.Open(new DeviceSpec(DeviceKind.IlgpuCpu, -1)));
    }

    /// <summary>Two ILGPU CPU instances, as two GPUs of a node would be: each its own context and accelerator, training
    /// the same tiny batch at the same time on two threads to the same bits.</summary>
    [Fact]
    public async Task IlgpuCpuInstancesAreIndependentDevices()
    {
        using var first = ComputeDevice.Open(DeviceSpec.Parse("ilgpu-cpu:0"));
        using var second = ComputeDevice.Open(DeviceSpec.Parse("ilgpu-cpu:1"));
        Assert.Equal("ilgpu-cpu:1", second.Spec.ToString());
        Assert.StartsWith("ilgpu-cpu:1: ", second.Description, StringComparison.Ordinal);
        Assert.NotSame(first.Context, second.Context);
        Assert.NotSame(first.Accelerator, second.Accelerator);

        var config = new TrainConfig
        {
            InputDim = 10, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 1, Seed = 17,
            Width = 6, InitScale = 0.1, Lr = 0.2, Epochs = 2, BatchSize = 20, NTrain = 40, NTest = 20, LogEvery = 1,
        };
        var runs = await Task.WhenAll(new[] { first, second }.Select(d => Task.Run(() => Train(d, config))));
        Assert.Equal(runs[0].Theta, runs[1].Theta);
        Assert.Equal(runs[0].Log, runs[1].Log);
        var plan = new TrainPlan(config);
        Assert.NotEqual(NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Init, config.InitScale), runs[0].Theta);
    }

    [Fact]
    public void AutoResolvesToANamedDevice()
    {
        using var device = ComputeDevice.Open(DeviceSpec.Parse("auto"));
        Assert.NotEqual(DeviceKind.Auto, device.Spec.Kind);
        Assert.Equal(0, device.Spec.Index);
        Assert.Equal(ComputeDevice.CudaAvailable() ? DeviceKind.Cuda : ComputeDevice.Count(DeviceKind.OpenCL) > 0 ? DeviceKind.OpenCL
            : DeviceKind.Cpu, device.Kind);
    }

    private static (float[] Theta, IReadOnlyList<NetworkMetrics> Log) Train(ComputeDevice device, TrainConfig c)
    {
        var plan = new TrainPlan(c);
        var (train, test) = plan.GenerateData();
        using var net = new NetworkBatch(device, plan.Shape, plan.Networks,
            NetworkBatch.Initialize(plan.Shape, plan.Networks, c.Init, c.InitScale), plan.Centers(train));
        var log = Trainer.Train(net, train, test, new TrainingOptions(c.Optimizer, c.Loss, c.Lr, c.ResolvedEpochs, c.BatchSize, c.LogEvery),
            cancel: TestContext.Current.CancellationToken);
        return (net.ThetaToHost(), log);
    }
}
