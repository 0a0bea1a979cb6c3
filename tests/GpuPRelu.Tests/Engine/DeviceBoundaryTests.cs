using GpuPRelu.Devices;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Training;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>ILGPU lives behind the device layer: the engine holds DeviceBuffers and DeviceViews and calls
/// the launchers, so another backend, or a runner over several devices, changes Devices/ and not the algorithms. Read
/// from the compiled assemblies like LayerTests: signatures, fields, locals and every token in the method bodies.</summary>
public sealed class DeviceBoundaryTests
{
    [Fact]
    public void OnlyTheDeviceLayerUsesIlgpu()
    {
        var found = new List<string>();
        foreach (var assembly in new[] { typeof(Trainer).Assembly, typeof(global::GpuPRelu.Cli.Runner).Assembly })
        {
            foreach (var type in assembly.GetTypes().Where(t => !InDevices(t)))
            {
                var ilgpu = TypeReferences.Of(type).Where(IsIlgpu).Select(t => t.Name).Distinct().Order().ToList();
                if (ilgpu.Count > 0)
                    found.Add($"{type.FullName}: {string.Join(", ", ilgpu)}");
            }
        }
        Assert.True(found.Count == 0, "types outside GpuPRelu.Devices that use ILGPU (allocate through ComputeDevice.Allocate, pass "
            + "DeviceBuffer/DeviceView to the launchers, synchronize with ComputeDevice.Synchronize):\n" + string.Join("\n", found));
    }

    [Fact]
    public void ScannerSeesIlgpuInTheDeviceLayer()
    {
        // the check above passes on nothing if the scan cannot see ILGPU: the launchers hold ILGPU delegates (fields) and
        // ComputeDevice.Synchronize calls the accelerator (a body)
        Assert.Contains(TypeReferences.Of(typeof(KernelLaunchers)), IsIlgpu);
        Assert.Contains(TypeReferences.Of(typeof(DeviceBuffer<>)), IsIlgpu);
        Assert.Contains(TypeReferences.Of(typeof(ComputeDevice)), t => t.FullName == "ILGPU.Runtime.Accelerator");
        Assert.False(InDevices(typeof(Trainer)));
        Assert.True(InDevices(typeof(Devices.Managed.Simd)));
    }

    private static bool IsIlgpu(Type type) => type.Namespace is { } ns && (ns == "ILGPU" || ns.StartsWith("ILGPU.", StringComparison.Ordinal));

    private static bool InDevices(Type type) =>
        type.Namespace is { } ns && (ns == "GpuPRelu.Devices" || ns.StartsWith("GpuPRelu.Devices.", StringComparison.Ordinal));
}
