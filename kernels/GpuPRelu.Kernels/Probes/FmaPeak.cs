using ILGPU;

namespace GpuPRelu.Kernels.Probes;

// Reference: tests/GpuPRelu.Tests/Reference/Probes/FmaPeakReference.cs

/// <summary>The device's FP32 peak, for `gpuprelu bench`: every thread runs 8 independent chains x ← x·m + a, 4 rounds
/// per loop trip (32 multiply-adds, which ptxas contracts to FFMA, against 3 instructions of loop overhead), and writes
/// the chains' sum so nothing is dead. 2·32·trips flops per thread. Index over the threads.</summary>
public static class FmaPeak
{
    public static void Kernel(
        Index1D i,
        int trips,
        float m,
        float a,
        ArrayView<float> sink) // [threads]
    {
        float seed = (i & 1023) * 1e-3f;
        float x0 = seed + 0;
        float x1 = seed + 1;
        float x2 = seed + 2;
        float x3 = seed + 3;
        float x4 = seed + 4;
        float x5 = seed + 5;
        float x6 = seed + 6;
        float x7 = seed + 7;
        for (int t = 0; t < trips; t++)
        {
            x0 = x0 * m + a;
            x1 = x1 * m + a;
            x2 = x2 * m + a;
            x3 = x3 * m + a;
            x4 = x4 * m + a;
            x5 = x5 * m + a;
            x6 = x6 * m + a;
            x7 = x7 * m + a;
            x0 = x0 * m + a;
            x1 = x1 * m + a;
            x2 = x2 * m + a;
            x3 = x3 * m + a;
            x4 = x4 * m + a;
            x5 = x5 * m + a;
            x6 = x6 * m + a;
            x7 = x7 * m + a;
            x0 = x0 * m + a;
            x1 = x1 * m + a;
            x2 = x2 * m + a;
            x3 = x3 * m + a;
            x4 = x4 * m + a;
            x5 = x5 * m + a;
            x6 = x6 * m + a;
            x7 = x7 * m + a;
            x0 = x0 * m + a;
            x1 = x1 * m + a;
            x2 = x2 * m + a;
            x3 = x3 * m + a;
            x4 = x4 * m + a;
            x5 = x5 * m + a;
            x6 = x6 * m + a;
            x7 = x7 * m + a;
        }
        sink[i] = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
    }
}
