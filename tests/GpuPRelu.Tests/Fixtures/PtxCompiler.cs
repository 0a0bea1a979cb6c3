using System.Reflection;
using GpuPRelu.Devices;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>ILGPU's PTX backend for an H100 (SM_90), built without a GPU on a context with the engine's compiler settings
/// (ComputeDevice.Compiler), so the PTX is what CudaAccelerator would hand the driver JIT.</summary>
public sealed class PtxCompiler : IDisposable
{
    private readonly Context _context;
    private readonly PTXBackend _backend;

    // ISA 8.8 is what 1.5.3 picks for a driver ≥ 12.9; CUDA 11.8's ptxas needs ≤ 7.8
    public PtxCompiler() : this(CudaInstructionSet.ISA_88) { }

    internal PtxCompiler(CudaInstructionSet isa)
    {
        _context = Context.Create(builder => ComputeDevice.Compiler(builder));
        _backend = new PTXBackend(_context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, isa, null);
    }

    /// <summary>The PTX of a kernel: implicitly grouped (index first, LoadAutoGroupedStreamKernel) or explicitly grouped
    /// (no index, LoadStreamKernel with a KernelConfig).</summary>
    public string Compile(MethodInfo kernel, bool explicitlyGrouped)
    {
        var entry = explicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        return ((PTXCompiledKernel)_backend.Compile(entry, default(KernelSpecialization))).PTXAssembly;
    }

    public void Dispose()
    {
        _backend.Dispose();
        _context.Dispose();
    }
}
