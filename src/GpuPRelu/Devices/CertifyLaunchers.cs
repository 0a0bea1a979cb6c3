using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>The certification's kernel (the CROWN bound batched over networks × rows), loaded once per accelerator on
/// first use. On the managed CPU path ManagedCertifyLaunchers runs the kernel's own code per row on the host.</summary>
internal class CertifyLaunchers
{
    private readonly Lazy<Action<Index1D, BatchShape, CrownSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _crown;

    public CertifyLaunchers(Accelerator accelerator)
    {
        _crown = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, CrownSpec, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(Kernels.Certification.CrownBound.Kernel));
    }

    /// <summary>bound [B, M] of every row (CrownBound); g [B, M, D] and alpha [B, M, H] are scratch.</summary>
    public virtual void CrownBound(BatchShape s, CrownSpec spec, DeviceView<float> theta, DeviceView<float> coef, DeviceView<float> dual,
        DeviceView<float> p, DeviceView<float> z0, DeviceView<float> u, DeviceView<int> label, DeviceView<float> radius,
        DeviceView<float> g, DeviceView<float> alpha, DeviceView<float> bound) =>
        _crown.Value(s.Networks * s.Samples, s, spec, theta, coef, dual, p, z0, u, label, radius, g, alpha, bound);
}
