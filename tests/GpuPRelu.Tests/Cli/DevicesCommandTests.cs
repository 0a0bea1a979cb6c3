using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

[Collection(CliGroup.Name)]
public sealed class DevicesCommandTests
{
    [Fact]
    public void ListsTheCpuAcceleratorWithMemoryAndWarpSize()
    {
        var (code, stdout, err) = Gpuprelu.Run("devices");
        Assert.True(code == 0, err);
        var cpu = stdout.Split('\n').FirstOrDefault(l => l.Contains("cpu", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(cpu);
        Assert.Contains("warp", cpu, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnknownVerbIsAUsageError()
    {
        var (code, _, _) = Gpuprelu.Run("tarin");
        Assert.Equal(2, code);
    }
}
