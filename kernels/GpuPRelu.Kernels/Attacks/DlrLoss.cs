using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/DlrLossReference.cs

/// <summary>The DLR loss of APGD-DLR (docs/attacks.md §0; C ≥ 3): with the logits ranked π1 ≥ π2 ≥ π3 (ties to
/// the first index), j* = π2 if π1 = y else π1, Δ = f_π1 − f_π3 + 1e-12 and q = f_y − f_j*: L = −q/Δ, and g = ∂L/∂f is
/// −1/Δ on y, +1/Δ on j*, +q/Δ² on π1, −q/Δ² on π3 (summed where indices coincide); correct = [π1 = y]. Index over B·M.</summary>
public static class DlrLoss
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> f,       // [B, M, C]
        ArrayView<int> ym,        // [B, M]
        ArrayView<float> g,       // [B, M, C]
        ArrayView<float> loss,    // [B, M]
        ArrayView<float> correct) // [B, M]
    {
        int C = s.Outputs, c0 = i * C, y = ym[i];
        int p1 = Rank(f, c0, C, -1, -1), p2 = Rank(f, c0, C, p1, -1), p3 = Rank(f, c0, C, p1, p2);
        int j = p1 == y ? p2 : p1;
        float delta = f[c0 + p1] - f[c0 + p3] + 1e-12f;
        float q = f[c0 + y] - f[c0 + j];
        loss[i] = -q / delta;
        correct[i] = p1 == y ? 1f : 0f;
        for (int c = 0; c < C; c++)
            g[c0 + c] = 0f;
        g[c0 + y] -= 1f / delta;
        g[c0 + j] += 1f / delta;
        g[c0 + p1] += q / (delta * delta);
        g[c0 + p3] -= q / (delta * delta);
    }

    // the first index of the largest logit other than `skip1` and `skip2`
    private static int Rank(ArrayView<float> f, int c0, int C, int skip1, int skip2)
    {
        int arg = -1;
        for (int c = 0; c < C; c++)
        {
            if (c == skip1 || c == skip2)
                continue;
            if (arg < 0 || f[c0 + c] > f[c0 + arg])
                arg = c;
        }
        return arg;
    }
}
