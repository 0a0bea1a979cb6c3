using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/FabAcceptReference.cs

/// <summary>After a FAB step (docs/attacks.md §9.3): where the row is misclassified at u, its perturbation's norm
/// n = ‖u − u0‖ (Norm 0 l∞, 1 l1, 2 l2) replaces the best when smaller (u then becomes the best point), and the row steps
/// back towards the clean point, u ← u0 + β·(u − u0). Inactive rows stay. Index over B·M.</summary>
public static class FabAccept
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        int norm,
        float beta,
        ArrayView<float> correct, // [B, M] at u
        ArrayView<float> u0,      // [B, M, D]
        ArrayView<float> u,       // [B, M, D] updated
        ArrayView<float> uBest,   // [B, M, D] updated
        ArrayView<float> best,    // [B, M] smallest norm found (+∞: none), updated
        ArrayView<int> active)    // [B, M]
    {
        if (active[i] == 0 || correct[i] != 0f)
            return;
        int D = s.Inputs, row0 = i * D;
        float n = 0f;
        for (int d = 0; d < D; d++)
            n = FabStep.Accumulate(norm, n, u[row0 + d] - u0[row0 + d]);
        n = norm == 2 ? XMath.Sqrt(n) : n;
        bool better = n < best[i];
        if (better)
            best[i] = n;
        for (int d = 0; d < D; d++)
        {
            if (better)
                uBest[row0 + d] = u[row0 + d];
            u[row0 + d] = u0[row0 + d] + beta * (u[row0 + d] - u0[row0 + d]);
        }
    }
}
