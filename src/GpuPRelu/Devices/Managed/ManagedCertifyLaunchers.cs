using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;
using ILGPU.Runtime;
using static GpuPRelu.Devices.Managed.HostPointers;

namespace GpuPRelu.Devices.Managed;

/// <summary>The certification's kernel on the fast CPU path (`--device cpu`): CrownBound as vectorized managed code
/// (ManagedCrown) on the CPU accelerator's host memory.</summary>
internal sealed unsafe class ManagedCertifyLaunchers : CertifyLaunchers
{
    private readonly Accelerator _accelerator;

    public ManagedCertifyLaunchers(Accelerator accelerator)
        : base(accelerator) => _accelerator = accelerator;

    public override void CrownBound(BatchShape s, CrownSpec spec, DeviceView<float> theta, DeviceView<float> coef, DeviceView<float> dual,
        DeviceView<float> p, DeviceView<float> z0, DeviceView<float> u, DeviceView<int> label, DeviceView<float> radius,
        DeviceView<float> g, DeviceView<float> alpha, DeviceView<float> bound)
    {
        // any ILGPU kernel launched before must have finished before managed code touches the memory
        _accelerator.Synchronize();
        ManagedCrown.Bound(s, spec, F(theta), F(coef), F(dual), F(p), F(z0), F(u), I(label), F(radius), F(bound));
    }
}
