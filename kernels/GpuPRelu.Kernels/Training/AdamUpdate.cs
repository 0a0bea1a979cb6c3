using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Training;

/// <summary>One Adam step's scalars: BiasCorrection1 = 1 − β1^t, SqrtBiasCorrection2 = √(1 − β2^t), computed on the host.</summary>
public readonly record struct AdamStep(
    float Lr, float Beta1, float Beta2, float Eps, float BiasCorrection1, float SqrtBiasCorrection2)
{
    /// <summary>Step t (1-based) at learning rate lr with PyTorch's defaults β1 0.9, β2 0.999, ε 1e-8; the bias corrections
    /// in float64, then rounded.</summary>
    public static AdamStep At(float lr, long t)
    {
        const double beta1 = 0.9, beta2 = 0.999;
        return new AdamStep(lr, (float)beta1, (float)beta2, 1e-8f, (float)(1 - Math.Pow(beta1, t)), (float)Math.Sqrt(1 - Math.Pow(beta2, t)));
    }
}

// Reference: tests/GpuPRelu.Tests/Reference/Training/AdamUpdateReference.cs

/// <summary>PyTorch's Adam without weight decay: m ← m + (1−β1)(g − m), v ← β2 v + (1−β2) g²,
/// θ ← θ − (η/bc1)·m/(√v/√bc2 + ε) (docs/design.md §1 training). Index over P.</summary>
public static class AdamUpdate
{
    public static void Kernel(
        Index1D i,
        AdamStep step,
        ArrayView<float> theta,  // [P]
        ArrayView<float> dTheta, // [P]
        ArrayView<float> m,      // [P]
        ArrayView<float> v)      // [P]
    {
        float g = dTheta[i];
        float mi = m[i] + (1f - step.Beta1) * (g - m[i]);
        float vi = step.Beta2 * v[i] + (1f - step.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] -= step.Lr / step.BiasCorrection1 * mi / (XMath.Sqrt(vi) / step.SqrtBiasCorrection2 + step.Eps);
    }
}
