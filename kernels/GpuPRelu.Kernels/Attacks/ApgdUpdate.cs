using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/ApgdUpdateReference.cs

/// <summary>APGD bookkeeping after the loss and gradient at the new u (docs/attacks.md §2.2 steps 2, c, d, e): a
/// misclassified row becomes broken (and is never attacked again); otherwise, at the start (Start = 1) η = etaScale·ε (2 for
/// l∞ and l2, 1 for l1), best = checkpoint best = L, previous loss 0, no increases, "reduced" = 1, topk 0.2, previous
/// sparsity D, u_best = u_prev = u, g_best = g; at later iterations
/// the best point moves when L &gt; L_best (strict), and [L &gt; L_prev] is added to the window's increases. Index over B·M.</summary>
public static class ApgdUpdate
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        int start,
        float etaScale,
        ArrayView<float> loss,    // [B, M]
        ArrayView<float> correct, // [B, M]
        ArrayView<float> u,       // [B, M, D]
        ArrayView<float> du,      // [B, M, D]
        ArrayView<float> uPrev,   // [B, M, D]
        ArrayView<float> uBest,   // [B, M, D]
        ArrayView<float> duBest,  // [B, M, D]
        ArrayView<float> state,   // [B, M, ApgdState.Width]
        ArrayView<float> radius,  // [M]
        ArrayView<int> broken)    // [B, M]
    {
        if (broken[i] != 0)
            return;
        if (correct[i] == 0f)
        {
            broken[i] = 1;
            return;
        }
        int D = s.Inputs, row0 = i * D, st = i * ApgdState.Width;
        float l = loss[i];
        if (start != 0)
        {
            state[st + ApgdState.Eta] = etaScale * radius[i % s.Samples];
            state[st + ApgdState.TopK] = 0.2f;
            state[st + ApgdState.SparsityOld] = D;
            state[st + ApgdState.LossBest] = l;
            state[st + ApgdState.LossBestCheckpoint] = l;
            state[st + ApgdState.LossPrev] = 0f;
            state[st + ApgdState.Increases] = 0f;
            state[st + ApgdState.Reduced] = 1f;
            for (int d = 0; d < D; d++)
            {
                uPrev[row0 + d] = u[row0 + d];
                uBest[row0 + d] = u[row0 + d];
                duBest[row0 + d] = du[row0 + d];
            }
            return;
        }
        if (l > state[st + ApgdState.LossBest])
        {
            state[st + ApgdState.LossBest] = l;
            for (int d = 0; d < D; d++)
            {
                uBest[row0 + d] = u[row0 + d];
                duBest[row0 + d] = du[row0 + d];
            }
        }
        if (l > state[st + ApgdState.LossPrev])
            state[st + ApgdState.Increases] += 1f;
        state[st + ApgdState.LossPrev] = l;
    }
}
