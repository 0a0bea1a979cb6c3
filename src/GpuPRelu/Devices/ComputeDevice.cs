using System.Reflection;
using System.Runtime.InteropServices;
using GpuPRelu.Devices.Managed;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuPRelu.Devices;

/// <summary>One ILGPU context and accelerator, with the engine's kernels loaded on first use.</summary>
public sealed class ComputeDevice : IDisposable
{
    private static int _resolverInstalled;
    private KernelLaunchers? _kernels;
    private AttackLaunchers? _attackKernels;
    private CertifyLaunchers? _certifyKernels;
    private long? _memoryBudget;

    private ComputeDevice(Context context, Accelerator accelerator, DeviceSpec spec, bool tiled)
    {
        Context = context;
        Accelerator = accelerator;
        Spec = spec;
        Tiled = tiled;
    }

    // the ILGPU context that owns the accelerator; ILGPU stays inside Devices/ (the engine holds DeviceBuffers)
    internal Context Context { get; }

    // the accelerator every kernel of this device runs on
    internal Accelerator Accelerator { get; }

    /// <summary>The resolved kind (never Auto).</summary>
    public DeviceKind Kind => Spec.Kind;

    /// <summary>Which device this is, resolved (never Auto): `cuda:1`, `ilgpu-cpu:0`.</summary>
    public DeviceSpec Spec { get; }

    /// <summary>Bytes the engine plans its buffers into (MemoryPlan): 90 % of a GPU's memory, or the memory the runtime
    /// may use on a CPU device. Lower it to share the device.</summary>
    public long MemoryBudget
    {
        get => _memoryBudget ??= Kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu
            ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
            : Accelerator.MemorySize / 10 * 9;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _memoryBudget = value;
        }
    }

    /// <summary>True where the matrix products run as the tiled kernels (TiledLaunchers): on CUDA. OpenCL keeps the simple
    /// kernels: no OpenCL device has run the tiled ones (groups of 256 threads, 17 KB of shared memory).</summary>
    public bool Tiled { get; }

    /// <summary>Human-readable name, e.g. "cuda:0: NVIDIA H100 80GB HBM3 (tiled products)".</summary>
    public string Description => Kind == DeviceKind.Cpu
        ? $"{Spec}: managed {Managed.Simd.WidthName} on {Environment.ProcessorCount} threads (fallback kernels on {Accelerator.Name})"
        : Tiled ? $"{Spec}: {Accelerator.Name} (tiled products)"
        : $"{Spec}: {Accelerator.Name}";

    internal KernelLaunchers Kernels => _kernels ??= Kind == DeviceKind.Cpu ? new ManagedLaunchers(Accelerator)
        : Tiled ? new TiledLaunchers(Accelerator)
        : new KernelLaunchers(Accelerator);

    // the simple kernels even where the products run tiled: bench times them beside the tiled ones
    internal KernelLaunchers SimpleKernels() => new(Accelerator);

    // loaded on first use, so opening a device for training does not compile the APGD kernels
    internal AttackLaunchers AttackKernels => _attackKernels ??= Kind == DeviceKind.Cpu
        ? new Managed.ManagedAttackLaunchers(Accelerator)
        : new AttackLaunchers(Accelerator);

    // the certifier's device screen (CrownBound), loaded on first use
    internal CertifyLaunchers CertifyKernels => _certifyKernels ??= Kind == DeviceKind.Cpu
        ? new Managed.ManagedCertifyLaunchers(Accelerator)
        : new CertifyLaunchers(Accelerator);

    /// <summary>A buffer of `length` elements on this device, its contents undefined until written or cleared.</summary>
    public DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged => new(Accelerator.Allocate1D<T>(length));

    /// <summary>A buffer on this device holding a copy of `values`.</summary>
    public DeviceBuffer<T> Allocate<T>(T[] values)
        where T : unmanaged => new(Accelerator.Allocate1D(values));

    /// <summary>Waits until every launch on this device has finished (timings, phase ends).</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>The command-line name of a kind: auto, cuda, opencl, cpu, ilgpu-cpu.</summary>
    public static string Name(DeviceKind kind) => kind == DeviceKind.IlgpuCpu ? "ilgpu-cpu" : kind.ToString().ToLowerInvariant();

    /// <summary>Opens the first device of the kind; Auto picks CUDA, then OpenCL, then the managed CPU path.</summary>
    /// <exception cref="InvalidOperationException">The requested kind is not present on this machine.</exception>
    public static ComputeDevice Open(DeviceKind kind) => Open(new DeviceSpec(kind));

    /// <summary>Opens exactly the named device (DeviceSpec says what the indices mean); Auto picks CUDA, then OpenCL,
    /// then the managed CPU path. Every call has its own ILGPU context, so two opens of `ilgpu-cpu:i` are independent
    /// accelerators.</summary>
    /// <exception cref="InvalidOperationException">The device is not present here; the message names the devices that are
    /// (ComputeDevice.Unavailable's text).</exception>
    public static ComputeDevice Open(DeviceSpec spec)
    {
        if (spec.Problem() is { } rule)
            throw new InvalidOperationException($"device {spec}: {rule}");
        InstallCudaResolver();
        var context = CreateContext();
        try
        {
            foreach (var kind in spec.Kind == DeviceKind.Auto ? [DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu] : new[] { spec.Kind })
            {
                // every CPU spec opens this context's one CPU device: the context is this call's own
                var device = Present(context, kind).ElementAtOrDefault(kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu ? 0 : spec.Index);
                if (device is not null)
                {
                    var accelerator = device is CPUDevice cpu
                        ? cpu.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel)
                        : device.CreateAccelerator(context);
                    return new ComputeDevice(context, accelerator, spec with { Kind = kind }, tiled: kind == DeviceKind.Cuda);
                }
            }
            throw new InvalidOperationException($"device {spec}: {Missing(context, spec)}");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Why `spec` cannot be opened on this machine, naming the devices present (e.g. "only 2 CUDA devices
    /// (cuda:0 NVIDIA H200, cuda:1 NVIDIA H200)"), or null when it can. Opens no accelerator.</summary>
    public static string? Unavailable(DeviceSpec spec)
    {
        if (spec.Problem() is { } rule)
            return rule;
        if (spec.Kind is not (DeviceKind.Cuda or DeviceKind.OpenCL))
            return null;
        InstallCudaResolver();
        using var context = CreateContext();
        return Present(context, spec.Kind).Count > spec.Index ? null : Missing(context, spec);
    }

    /// <summary>How many devices of the kind ILGPU finds here (Cpu: 1, the managed path; IlgpuCpu: the instances).</summary>
    public static int Count(DeviceKind kind)
    {
        if (kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu or DeviceKind.Auto)
            return kind == DeviceKind.IlgpuCpu ? DeviceSpec.IlgpuCpuInstances : 1;
        InstallCudaResolver();
        using var context = CreateContext();
        return Present(context, kind).Count;
    }

    /// <summary>ILGPU's CPU accelerator with groups of 16 × 16 threads running the tiled kernels, for tests: the GPU
    /// path's code on a machine without a GPU. Slow (one OS thread per simulated thread, .NET barriers): small shapes only.</summary>
    internal static ComputeDevice OpenTiledCpu()
    {
        var context = Context.Create(builder => Compiler(builder
            .CPU(new CPUDevice(GpuPRelu.Kernels.Network.Tile.Side, GpuPRelu.Kernels.Network.Tile.Side, 1))));
        var accelerator = context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        return new ComputeDevice(context, accelerator, new DeviceSpec(DeviceKind.IlgpuCpu), tiled: true);
    }

    /// <summary>Every accelerator ILGPU finds (its spec, name, memory in bytes, warp size), then the managed CPU path.
    /// The ILGPU CPU accelerator is listed once, as ilgpu-cpu:0; its other indices open further instances.</summary>
    public static IReadOnlyList<(DeviceSpec Spec, string Name, long MemoryBytes, int WarpSize)> List()
    {
        InstallCudaResolver();
        using var context = CreateContext();
        return [.. Listed(context)];
    }

    /// <summary>True when a CUDA device can be opened here.</summary>
    public static bool CudaAvailable() => Count(DeviceKind.Cuda) > 0;

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }

    // Warp 2 × 1 warp × 1 processor. Auto-grouped kernels get groups of WarpSize threads, and ILGPU's CPU runtime
    // processes one group at a time per processor, its threads meeting at a .NET barrier twice a launch; every thread it
    // started takes part in those barriers, working or not. So a warp of 2 on 2 threads computes exactly what (2 × 4 × 1)
    // computed, with the same 2 threads doing the work, without 6 idle threads waking on every launch.
    // Measured earlier on the quick preset (3 epochs): Default (4×4×1) 41 s, (2×1×2) 11 s, (2×4×1) 7 s, (4×1×1) 81 s; then
    // `train --preset quick --device ilgpu-cpu`, 1 / 4 epochs: (2×4×1) 11.6 / 23.1 s, (2×1×1) 9.9 / 19.9 s. ILGPU refuses
    // a warp of 1.
    private static readonly CPUDevice CpuShape = new(2, 1, 1);

    private static Context CreateContext() =>
        Context.Create(builder => Compiler(builder
            .Cuda().OpenCL()
            .CPU(CpuShape)));

    // O2: views get ld.global/st.global in PTX (O1 emits generic ld/st); PtxCodegenTests compiles with the same settings
    internal static Context.Builder Compiler(Context.Builder builder) =>
        builder.EnableAlgorithms().Optimize(OptimizationLevel.O2);

    // the managed CPU path keeps an ILGPU CPU accelerator for its buffers and fallback kernels
    private static List<Device> Present(Context context, DeviceKind kind) =>
        [.. context.Devices.Where(d => KindOf(d) == (kind == DeviceKind.Cpu ? DeviceKind.IlgpuCpu : kind))];

    private static IEnumerable<(DeviceSpec Spec, string Name, long MemoryBytes, int WarpSize)> Listed(Context context)
    {
        foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.IlgpuCpu })
        {
            var present = Present(context, kind);
            for (int i = 0; i < present.Count; i++)
                yield return (new DeviceSpec(kind, i), present[i].Name, present[i].MemorySize, present[i].WarpSize);
        }
        yield return (new DeviceSpec(DeviceKind.Cpu), $"managed {Managed.Simd.WidthName}, {Environment.ProcessorCount} threads",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Managed.Simd.Wide ? 16 : 8);
    }

    // "only 2 CUDA devices (cuda:0 NVIDIA H200, cuda:1 NVIDIA H200)", or none, with what is present instead
    private static string Missing(Context context, DeviceSpec spec)
    {
        var present = Present(context, spec.Kind);
        string kind = spec.Kind switch { DeviceKind.Cuda => "CUDA", DeviceKind.OpenCL => "OpenCL", _ => Name(spec.Kind) };
        if (present.Count > 0)
            return $"only {present.Count} {kind} device{(present.Count == 1 ? "" : "s")} ("
                + string.Join(", ", present.Select((d, i) => $"{new DeviceSpec(spec.Kind, i)} {d.Name}")) + ")";
        return $"no {kind} device is present here (present: {string.Join(", ", Listed(context).Select(d => d.Spec))}; "
            + $"ilgpu-cpu:1 … ilgpu-cpu:{DeviceSpec.IlgpuCpuInstances - 1} too); run 'gpuprelu devices', or use --device cpu";
    }

    private static DeviceKind KindOf(Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => DeviceKind.Cuda,
        AcceleratorType.OpenCL => DeviceKind.OpenCL,
        _ => DeviceKind.IlgpuCpu,
    };

    // ILGPU imports "cuda", which .NET probes as libcuda.so; driver-only Linux installs ship just libcuda.so.1,
    // and then CUDA devices silently vanish (docs/ilgpu.md §4).
    private static void InstallCudaResolver()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _resolverInstalled, 1) == 1)
            return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, ResolveCuda);
        }
        catch (InvalidOperationException)
        {
            // ILGPU installed its own resolver (WSL); keep it.
        }
    }

    private static IntPtr ResolveCuda(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "cuda")
            return IntPtr.Zero;
        foreach (var candidate in new[] { "libcuda.so", "libcuda.so.1" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        }
        return IntPtr.Zero;
    }
}
