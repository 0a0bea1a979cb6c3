using GpuPRelu.Devices.Managed;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The managed Adam update, vectorized and split over the cores, gives every parameter bit for bit what the
/// kernel's scalar operations give in float32 (m, v, then θ, in AdamUpdate's order), on sizes with vector rests and
/// several pieces, with both vector widths.</summary>
[Collection(DeviceGroup.Name)] // Gemm.Wide is global: switched with VectorWidthTests' switching, not beside it
public sealed class ManagedAdamTests
{
    [Theory]
    [InlineData(37, 1, false)]
    [InlineData(70_001, 3, false)]
    [InlineData(70_001, 3, true)]
    [InlineData(1_000, 250, true)]
    public unsafe void VectorAdamEqualsTheScalarOperations(int n, long t, bool wide)
    {
        Assert.SkipWhen(wide && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, "Vector512 is not accelerated here");
        var rng = new System.Random(n + (int)t);
        float[] Draw(double scale, bool positive) =>
            [.. Enumerable.Range(0, n).Select(_ => (float)((positive ? rng.NextDouble() : rng.NextDouble() * 2 - 1) * scale))];
        var theta = Draw(1, false);
        var g = Draw(0.1, false);
        var m = Draw(0.01, false);
        var v = Draw(1e-4, true);
        const double beta1 = 0.9, beta2 = 0.999;
        var step = new AdamStep(1e-3f, (float)beta1, (float)beta2, 1e-8f, (float)(1 - Math.Pow(beta1, t)), (float)Math.Sqrt(1 - Math.Pow(beta2, t)));
        var (thetaS, mS, vS, theta0) = ((float[])theta.Clone(), (float[])m.Clone(), (float[])v.Clone(), (float[])theta.Clone());
        for (int i = 0; i < n; i++)
        {
            float gi = g[i];
            float mi = mS[i] + (1f - step.Beta1) * (gi - mS[i]);
            float vi = step.Beta2 * vS[i] + (1f - step.Beta2) * gi * gi;
            mS[i] = mi;
            vS[i] = vi;
            thetaS[i] -= step.Lr / step.BiasCorrection1 * mi / (MathF.Sqrt(vi) / step.SqrtBiasCorrection2 + step.Eps);
        }
        bool saved = Gemm.Wide;
        try
        {
            Gemm.Wide = wide;
            fixed (float* pt = theta, pg = g, pm = m, pv = v)
                ManagedTraining.Adam(step, pt, pg, pm, pv, n);
        }
        finally
        {
            Gemm.Wide = saved;
        }
        Assert.Equal(mS.Select(BitConverter.SingleToInt32Bits), m.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(vS.Select(BitConverter.SingleToInt32Bits), v.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(thetaS.Select(BitConverter.SingleToInt32Bits), theta.Select(BitConverter.SingleToInt32Bits));
        Assert.True(theta.Zip(theta0).Count(x => x.First != x.Second) > n / 2, "the update moved most parameters");
    }
}
