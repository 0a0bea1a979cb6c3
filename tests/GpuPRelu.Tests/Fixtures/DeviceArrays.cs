using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Short-lived device buffers for kernel tests: a scope that uploads host arrays and frees them all at the end.</summary>
internal sealed class DeviceArrays(Accelerator accelerator) : IDisposable
{
    private readonly List<MemoryBuffer> _owned = [];

    public ArrayView<float> Upload(float[] x) => Own(accelerator.Allocate1D(x)).View;

    public ArrayView<float> Upload(double[] x) => Upload(NetworkCase.Narrow(x));

    public ArrayView<int> Upload(int[] x) => Own(accelerator.Allocate1D(x)).View;

    /// <summary>A zero-filled float buffer of n elements.</summary>
    public ArrayView<float> Zeros(long n)
    {
        var buffer = Own(accelerator.Allocate1D<float>(n));
        buffer.MemSetToZero();
        return buffer.View;
    }

    public static double[] Download(ArrayView<float> view)
    {
        var host = new float[view.Length];
        view.CopyToCPU(host);
        return NetworkCase.Wide(host);
    }

    public static int[] Download(ArrayView<int> view)
    {
        var host = new int[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    private MemoryBuffer1D<T, Stride1D.Dense> Own<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer) where T : unmanaged
    {
        _owned.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var buffer in _owned)
            buffer.Dispose();
    }
}
