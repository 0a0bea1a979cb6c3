using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>A contiguous range of a DeviceBuffer: what the launchers take and the engine slices, copies and clears. It
/// owns nothing. ILGPU's view stays inside Devices/, so the algorithms above do not depend on the backend.</summary>
public readonly struct DeviceView<T>
    where T : unmanaged
{
    private readonly ArrayView1D<T, Stride1D.Dense> _view;

    internal DeviceView(ArrayView1D<T, Stride1D.Dense> view) => _view = view;

    /// <summary>Elements in the range.</summary>
    public long Length => _view.Length;

    /// <summary>`length` elements from `offset`.</summary>
    public DeviceView<T> Slice(long offset, long length) => new(_view.SubView(offset, length));

    /// <summary>Copies `source` from the host into the range (ILGPU's CopyFromCPU; callers pass a range of source's length).</summary>
    public void CopyFromHost(T[] source) => _view.CopyFromCPU(source);

    /// <summary>Copies the range into `target` on the host (ILGPU's CopyToCPU; callers pass a range of target's length).</summary>
    public void CopyToHost(T[] target) => _view.CopyToCPU(target);

    /// <summary>The range copied to a new host array.</summary>
    public T[] ToHost() => _view.GetAsArray1D();

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => _view.MemSetToZero();

    // the launchers hand views to ILGPU kernels (and the managed path takes their host pointers) through these
    public static implicit operator ArrayView<T>(DeviceView<T> view) => view._view;

    // kernel tests upload through ILGPU directly and pass those views to the launchers
    public static implicit operator DeviceView<T>(ArrayView<T> view) => new(view);

    public static implicit operator DeviceView<T>(ArrayView1D<T, Stride1D.Dense> view) => new(view);
}
