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
            foreach (var (kind, name, memory, warp) in ComputeDevice.List())
            {
                // the CPU accelerator reports long.MaxValue: it allocates from host memory
                string size = kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu
                    ? $"host {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB"
                    : $"{memory / (1024.0 * 1024 * 1024):0.0} GiB";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{ComputeDevice.Name(kind),-9} {name}  memory {size}  warp {warp}"));
            }
            return 0;
        });
        return command;
    }
}
