using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/ApgdL1CheckpointReference.cs

/// <summary>An l1 APGD checkpoint (docs/attacks.md §3, every max(⌊0.04N⌋, 1) iterations): sp = ‖u_best − u0‖₀;
/// shrunk = sp/sp_old &lt; 0.95 (false when sp_old = 0); topk ← sp/D/1.5; η ← ε if shrunk else η/1.5, clamped to
/// [ε/10, ε]; sp_old ← sp; a shrunk row restarts from its best point and gradient. Broken rows skipped. Index over B·M.</summary>
public static class ApgdL1Checkpoint
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u0,     // [B, M, D]
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> du,     // [B, M, D]
        ArrayView<float> uBest,  // [B, M, D]
        ArrayView<float> duBest, // [B, M, D]
        ArrayView<float> state,  // [B, M, ApgdState.Width]
        ArrayView<float> radius, // [M]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int D = s.Inputs, row0 = i * D, st = i * ApgdState.Width;
        float eps = radius[i % s.Samples];
        int sp = 0;
        for (int d = 0; d < D; d++)
            sp += uBest[row0 + d] != u0[row0 + d] ? 1 : 0;
        float old = state[st + ApgdState.SparsityOld];
        bool shrunk = old > 0f && sp / old < 0.95f;
        state[st + ApgdState.TopK] = sp / (float)D / 1.5f;
        float eta = shrunk ? eps : state[st + ApgdState.Eta] / 1.5f;
        state[st + ApgdState.Eta] = XMath.Clamp(eta, eps / 10f, eps);
        state[st + ApgdState.SparsityOld] = sp;
        if (!shrunk)
            return;
        for (int d = 0; d < D; d++)
        {
            u[row0 + d] = uBest[row0 + d];
            du[row0 + d] = duBest[row0 + d];
        }
    }
}
