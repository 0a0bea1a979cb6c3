using System.CommandLine;
using System.Globalization;
using GpuPRelu.Devices;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu devices`: every accelerator ILGPU finds, with memory and warp size.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "list the accelerators ILGPU finds (CUDA, OpenCL, CPU)");
        command.SetAction(_ =>
        {
            foreach (var (spec, name, memory, warp) in ComputeDevice.List())
            {
                // the CPU accelerator reports long.MaxValue: it allocates from host memory
                string size = spec.Kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu
                    ? $"host {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB"
                    : $"{memory / (1024.0 * 1024 * 1024):0.0} GiB";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{spec,-11} {name}  memory {size}  warp {warp}"));
            }
            Console.WriteLine($"(--device takes these names; ilgpu-cpu:1 … ilgpu-cpu:{DeviceSpec.IlgpuCpuInstances - 1} open further independent "
                + "instances of ILGPU's CPU accelerator, e.g. to stand in for several GPUs)");
            return 0;
        });
        return command;
    }
}
