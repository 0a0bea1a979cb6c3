using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>A one-dimensional buffer on a ComputeDevice (ComputeDevice.Allocate), the only kind of device memory the
/// engine holds: on the managed CPU path it is host memory the launchers reach through pointers.</summary>
public sealed class DeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _buffer;

    internal DeviceBuffer(MemoryBuffer1D<T, Stride1D.Dense> buffer) => _buffer = buffer;

    /// <summary>Elements in the buffer.</summary>
    public long Length => _buffer.Length;

    /// <summary>Bytes in the buffer (MemoryPlan counts these).</summary>
    public long LengthInBytes => _buffer.LengthInBytes;

    /// <summary>The whole buffer as a view.</summary>
    public DeviceView<T> View => new(_buffer.View);

    /// <summary>`length` elements from `offset`.</summary>
    public DeviceView<T> Slice(long offset, long length) => View.Slice(offset, length);

    /// <summary>Copies `source` from the host into the buffer (ILGPU's CopyFromCPU; callers pass the buffer's length).</summary>
    public void CopyFromHost(T[] source) => _buffer.CopyFromCPU(source);

    /// <summary>The buffer copied to a new host array.</summary>
    public T[] ToHost() => _buffer.GetAsArray1D();

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => _buffer.MemSetToZero();

    public static implicit operator DeviceView<T>(DeviceBuffer<T> buffer) => buffer?.View ?? default;

    public void Dispose() => _buffer.Dispose();
}
