namespace GpuPRelu.Devices;

/// <summary>Which accelerator runs the kernels. Auto picks CUDA, then OpenCL, then the CPU.</summary>
public enum DeviceKind
{
    Auto,
    Cuda,
    OpenCL,
    Cpu,
}
