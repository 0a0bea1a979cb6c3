using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/FabMarginReference.cs

/// <summary>FAB-T's logit difference towards target t (docs/attacks.md §9.3): q = f_t − f_y, g = ∂q/∂f = e_t − e_y; one
/// output: the margin itself, q = −y·f (y = ±1 from label 1/0), g = −y. correct is untargeted ([first argmax = y], one
/// output y·f &gt; 0). Index over B·M.</summary>
public static class FabMargin
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> f,       // [B, M, C]
        ArrayView<int> ym,        // [B, M]
        ArrayView<int> target,    // [B, M]
        ArrayView<float> g,       // [B, M, C]
        ArrayView<float> margin,  // [B, M]
        ArrayView<float> correct) // [B, M]
        => Row(i, s, f, ym, target, g, margin, correct);

    /// <summary>Row i of the kernel: also APGD-T's margin loss for one output and two classes (TargetedDlrLoss).</summary>
    public static void Row(int i, BatchShape s, ArrayView<float> f, ArrayView<int> ym, ArrayView<int> target, ArrayView<float> g,
        ArrayView<float> margin, ArrayView<float> correct)
    {
        int C = s.Outputs, c0 = i * C, y = ym[i], t = target[i];
        if (C == 1)
        {
            float sign = y == 1 ? 1f : -1f;
            margin[i] = -sign * f[c0];
            correct[i] = sign * f[c0] > 0f ? 1f : 0f;
            g[c0] = -sign;
            return;
        }
        int arg = 0;
        for (int c = 0; c < C; c++)
        {
            g[c0 + c] = 0f;
            if (f[c0 + c] > f[c0 + arg])
                arg = c;
        }
        correct[i] = arg == y ? 1f : 0f;
        margin[i] = f[c0 + t] - f[c0 + y];
        g[c0 + t] += 1f;
        g[c0 + y] -= 1f;
    }
}
