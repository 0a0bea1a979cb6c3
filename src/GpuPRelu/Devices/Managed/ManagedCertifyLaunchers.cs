using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;
using ILGPU.Runtime;

namespace GpuPRelu.Devices.Managed;

/// <summary>The certification's kernel on the fast CPU path (`--device cpu`): CrownBound's own code row by row in
/// parallel on the CPU accelerator's host memory (a row is a few H·D loops, no launch to amortize).</summary>
internal sealed class ManagedCertifyLaunchers : CertifyLaunchers
{
    private readonly Accelerator _accelerator;

    public ManagedCertifyLaunchers(Accelerator accelerator)
        : base(accelerator) => _accelerator = accelerator;

    public override void CrownBound(BatchShape s, CrownSpec spec, DeviceView<float> theta, DeviceView<float> coef, DeviceView<float> dual,
        DeviceView<float> p, DeviceView<float> z0, DeviceView<float> u, DeviceView<int> label, DeviceView<float> radius,
        DeviceView<float> g, DeviceView<float> bound)
    {
        // any ILGPU kernel launched before must have finished before managed code touches the memory
        _accelerator.Synchronize();
        Parallel.For(0, s.Networks * s.Samples, i =>
            Kernels.Certification.CrownBound.Kernel(i, s, spec, theta, coef, dual, p, z0, u, label, radius, g, bound));
    }
}
