using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Tests.Fixtures;
using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The managed SphereAscent (`--device cpu`) does the kernel's operations in the kernel's order: the same bits
/// as SphereAscentStep.Kernel on ILGPU's CPU accelerator, so moving the step off that accelerator changed no distance.
/// (Both are checked against the float64 reference in SphereAscentStepTests.)</summary>
[Collection(DeviceGroup.Name)]
public sealed class ManagedSphereAscentTests(DeviceFixture devices)
{
    public static TheoryData<int, float> Cases => new() { { 11, 0.01f }, { 12, 0.3f }, { 13, 0f }, { 14, 0.05f } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameBitsAsTheKernel(int seed, float step)
    {
        var dev = devices.Get("cpu");
        var rng = new System.Random(seed);
        var s = new BatchShape(3, 7, 37, 1, 1, 0, 0);
        int rows = s.Networks * s.Samples, cells = rows * s.Inputs;
        var x = NetworkCase.Normal(rng, cells, 0.2);
        var (f, g) = (NetworkCase.Normal(rng, rows, 1.0), NetworkCase.Normal(rng, rows, 1.0));
        var (df, dg) = (NetworkCase.Normal(rng, cells, 1.0), NetworkCase.Normal(rng, cells, 1.0));
        var scale = NetworkCase.Normal(rng, s.Networks, 1.0);
        var center = NetworkCase.Normal(rng, s.Networks * s.Inputs, 0.2);
        var best = NetworkCase.Normal(rng, rows, 1.0);
        best[1] = float.NaN; // a diverged row keeps the kernel's NaN handling
        var managed = Step(dev.Kernels, dev, s, step, x, f, g, df, dg, scale, center, best);
        var kernel = Step(new KernelLaunchers(dev.Accelerator), dev, s, step, x, f, g, df, dg, scale, center, best);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(kernel[k].Select(BitConverter.SingleToInt32Bits), managed[k].Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static float[][] Step(KernelLaunchers launchers, ComputeDevice dev, BatchShape s, float step, float[] x, float[] f,
        float[] g, float[] df, float[] dg, float[] scale, float[] center, float[] best)
    {
        using var arrays = new DeviceArrays(dev.Accelerator);
        var (xView, uView, bestView) = (arrays.Upload(x), arrays.Upload(new float[x.Length]), arrays.Upload(best));
        launchers.SphereAscent(s, step, xView, arrays.Upload(f), arrays.Upload(g), arrays.Upload(df), arrays.Upload(dg),
            arrays.Upload(scale), arrays.Upload(center), uView, bestView);
        dev.Accelerator.Synchronize();
        return [Host(xView), Host(uView), Host(bestView)];
    }

    private static float[] Host(ArrayView<float> view)
    {
        var host = new float[view.Length];
        view.CopyToCPU(host);
        return host;
    }
}
