namespace GpuPRelu.Devices;

/// <summary>Which accelerator runs the kernels. Auto picks CUDA, then OpenCL, then the CPU. Cpu is the fast managed
/// path (vectorized, multi-threaded C# for the training operations); IlgpuCpu runs every ILGPU kernel on ILGPU's CPU
/// accelerator, thread by thread (what the kernel tests check on a machine without a GPU).</summary>
public enum DeviceKind
{
    Auto,
    Cuda,
    OpenCL,
    Cpu,
    IlgpuCpu,
}
