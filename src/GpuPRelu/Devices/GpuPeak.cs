using System.Diagnostics;
using GpuPRelu.Kernels.Probes;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>An accelerator's FP32 peak, measured on the device itself with the FmaPeak kernel (independent FFMA
/// chains on enough threads to fill every multiprocessor), as PeakProbe measures a CPU's.</summary>
public static class GpuPeak
{
    /// <summary>GFLOP/s, the best of `rounds` timed launches after a warm-up launch.</summary>
    public static double MeasureGflops(ComputeDevice device, int rounds = 5, int trips = 8192)
    {
        ArgumentNullException.ThrowIfNull(device);
        var accelerator = device.Accelerator;
        // 16 groups of the widest size per multiprocessor: more warps than the schedulers need to hide FFMA latency
        int threads = accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerGroup * 16;
        using var sink = accelerator.Allocate1D<float>(threads);
        var launch = Launcher(accelerator);
        launch(threads, trips, 0.999999f, 1e-7f, sink.View);
        accelerator.Synchronize();
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            launch(threads, trips, 0.999999f, 1e-7f, sink.View);
            accelerator.Synchronize();
            best = Math.Max(best, 2.0 * 32 * trips * threads / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    // loaded once, outside the timed launches
    internal static Action<Index1D, int, float, float, ArrayView<float>> Launcher(Accelerator accelerator) =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, int, float, float, ArrayView<float>>(FmaPeak.Kernel);
}
