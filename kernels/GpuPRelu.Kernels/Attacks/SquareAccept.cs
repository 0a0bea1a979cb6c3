using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/SquareAcceptReference.cs

/// <summary>Square's acceptance (docs/attacks.md §9.4): the margin m = f_y − max_{j≠y} f_j (one output: y·f, y = ±1
/// from label 1/0) of the proposal u; at the start (Start = 1), or where m &lt; the best margin or u is misclassified
/// (first argmax ≠ y; one output y·f ≤ 0), u becomes the row's best point with its margin, and a misclassified best
/// point breaks the row. Broken rows are skipped. Index over B·M.</summary>
public static class SquareAccept
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        int start,
        ArrayView<float> f,      // [B, M, C]
        ArrayView<int> ym,       // [B, M]
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> uBest,  // [B, M, D]
        ArrayView<float> best,   // [B, M]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int C = s.Outputs, c0 = i * C, y = ym[i];
        float margin;
        bool correct;
        if (C == 1)
        {
            margin = (y == 1 ? 1f : -1f) * f[c0];
            correct = margin > 0f;
        }
        else
        {
            int arg = 0;
            float other = float.NegativeInfinity;
            for (int c = 0; c < C; c++)
            {
                if (f[c0 + c] > f[c0 + arg])
                    arg = c;
                if (c != y && f[c0 + c] > other)
                    other = f[c0 + c];
            }
            margin = f[c0 + y] - other;
            correct = arg == y;
        }
        if (start == 0 && margin >= best[i] && correct)
            return;
        best[i] = margin;
        int D = s.Inputs, row0 = i * D;
        for (int d = 0; d < D; d++)
            uBest[row0 + d] = u[row0 + d];
        if (!correct)
            broken[i] = 1;
    }
}
