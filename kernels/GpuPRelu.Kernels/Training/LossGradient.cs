using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Training;

/// <summary>Kind = 0 exponential, 1 logistic, 2 softmax cross-entropy; Scale multiplies ∂L/∂f (1/M for a mean).</summary>
public readonly record struct LossSpec(int Kind, float Scale);

// Reference: tests/GpuPRelu.Tests/Reference/Training/LossGradientReference.cs

/// <summary>Per row: loss, correct (0/1) and g = Scale·∂loss/∂f. Binary (C = 1, y = ±1 from label 1/0): exp(−y f) or
/// log(1 + exp(−y f)), correct when y f &gt; 0; multi-class: logsumexp(f) − f_y, g = softmax − e_y, correct when the
/// first argmax is y (docs/design.md §1 losses). Index over B·M.</summary>
public static class LossGradient
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        LossSpec spec,
        ArrayView<float> f,       // [B, M, C]
        ArrayView<int> ym,        // [B, M]
        ArrayView<float> g,       // [B, M, C]
        ArrayView<float> loss,    // [B, M]
        ArrayView<float> correct) // [B, M]
    {
        int c0 = i * s.Outputs, label = ym[i];
        if (spec.Kind != 2)
        {
            float y = label == 1 ? 1f : -1f;
            float margin = y * f[c0];
            correct[i] = margin > 0f ? 1f : 0f;
            if (spec.Kind == 0)
            {
                float e = XMath.Exp(-margin);
                loss[i] = e;
                g[c0] = -y * e * spec.Scale;
            }
            else
            {
                // softplus(−margin), stable for both signs; σ(−margin) = 1/(1 + exp(margin))
                loss[i] = XMath.Max(-margin, 0f) + XMath.Log(1f + XMath.Exp(-XMath.Abs(margin)));
                g[c0] = -y / (1f + XMath.Exp(margin)) * spec.Scale;
            }
            return;
        }
        float max = f[c0];
        int arg = 0;
        for (int c = 1; c < s.Outputs; c++)
        {
            if (f[c0 + c] > max)
            {
                max = f[c0 + c];
                arg = c;
            }
        }
        float sum = 0f;
        for (int c = 0; c < s.Outputs; c++)
            sum += XMath.Exp(f[c0 + c] - max);
        loss[i] = max + XMath.Log(sum) - f[c0 + label];
        correct[i] = arg == label ? 1f : 0f;
        for (int c = 0; c < s.Outputs; c++)
            g[c0 + c] = (XMath.Exp(f[c0 + c] - max) / sum - (c == label ? 1f : 0f)) * spec.Scale;
    }
}
