using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/TargetedDlrLossReference.cs

/// <summary>The loss of APGD-T towards target t (docs/attacks.md §9.2): with the logits ranked π1 ≥ π2 ≥ … (ties to the
/// first index) and q = f_y − f_t, L = −q/Δ with Δ = f_π1 − (f_π3 + f_π4)/2 + 1e-12 for C ≥ 4 (AutoAttack's), Δ = f_π1 −
/// f_π3 + 1e-12 for C = 3 (AutoAttack has none; §9.5); the margin loss L = f_t − f_y for C = 2 and L = −y·f for one output
/// (y = ±1 from label 1/0). g = ∂L/∂f (ranks held fixed); correct is untargeted ([first argmax = y], one output: y·f &gt; 0).
/// Index over B·M.</summary>
public static class TargetedDlrLoss
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> f,       // [B, M, C]
        ArrayView<int> ym,        // [B, M]
        ArrayView<int> target,    // [B, M]
        ArrayView<float> g,       // [B, M, C]
        ArrayView<float> loss,    // [B, M]
        ArrayView<float> correct) // [B, M]
    {
        int C = s.Outputs, c0 = i * C, y = ym[i], t = target[i];
        if (C <= 2)
        {
            // the margin loss: FAB-T's logit difference
            FabMargin.Row(i, s, f, ym, target, g, loss, correct);
            return;
        }
        int p1 = Rank(f, c0, C, -1, -1, -1), p2 = Rank(f, c0, C, p1, -1, -1);
        correct[i] = p1 == y ? 1f : 0f;
        for (int c = 0; c < C; c++)
            g[c0 + c] = 0f;
        float q = f[c0 + y] - f[c0 + t];
        int p3 = Rank(f, c0, C, p1, p2, -1);
        // C = 3 has no fourth logit: π3 stands for the mean of π3 and π4
        int p4 = C >= 4 ? Rank(f, c0, C, p1, p2, p3) : p3;
        float delta = f[c0 + p1] - 0.5f * (f[c0 + p3] + f[c0 + p4]) + 1e-12f;
        loss[i] = -q / delta;
        g[c0 + y] -= 1f / delta;
        g[c0 + t] += 1f / delta;
        g[c0 + p1] += q / (delta * delta);
        g[c0 + p3] -= 0.5f * q / (delta * delta);
        g[c0 + p4] -= 0.5f * q / (delta * delta);
    }

    // the first index of the largest logit other than the skipped ones
    private static int Rank(ArrayView<float> f, int c0, int C, int skip1, int skip2, int skip3)
    {
        int arg = -1;
        for (int c = 0; c < C; c++)
        {
            if (c == skip1 || c == skip2 || c == skip3)
                continue;
            if (arg < 0 || f[c0 + c] > f[c0 + arg])
                arg = c;
        }
        return arg;
    }
}
