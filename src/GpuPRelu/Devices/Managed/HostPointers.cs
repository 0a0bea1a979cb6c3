using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices.Managed;

/// <summary>The CPU accelerator's buffers as raw pointers for the managed launchers (host memory). Any ILGPU kernel
/// launched before must have finished (Synchronize) before managed code touches them.</summary>
internal static unsafe class HostPointers
{
    public static float* F(ArrayView<float> view) => (float*)view.LoadEffectiveAddressAsPtr();

    public static int* I(ArrayView<int> view) => (int*)view.LoadEffectiveAddressAsPtr();
}
