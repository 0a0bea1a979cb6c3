using ILGPU;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/ApgdCheckpointReference.cs

/// <summary>An APGD checkpoint at the end of a window of k iterations (docs/attacks.md §2.2 step e): halve when the
/// loss rose in at most ρ·k of them (threshold = ρ·k) or when the last checkpoint did not halve and the best loss has
/// not improved since; on halving, η ← η/2 and the row restarts from its best point and gradient (momentum kept).
/// The increase count restarts. Broken rows are skipped. Index over B·M.</summary>
public static class ApgdCheckpoint
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        float threshold,
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> du,     // [B, M, D]
        ArrayView<float> uBest,  // [B, M, D]
        ArrayView<float> duBest, // [B, M, D]
        ArrayView<float> state,  // [B, M, ApgdState.Width]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int st = i * ApgdState.Width;
        float best = state[st + ApgdState.LossBest];
        bool oscillating = state[st + ApgdState.Increases] <= threshold;
        bool stalled = state[st + ApgdState.Reduced] == 0f && state[st + ApgdState.LossBestCheckpoint] >= best;
        bool halve = oscillating || stalled;
        state[st + ApgdState.Reduced] = halve ? 1f : 0f;
        state[st + ApgdState.LossBestCheckpoint] = best;
        state[st + ApgdState.Increases] = 0f;
        if (!halve)
            return;
        state[st + ApgdState.Eta] *= 0.5f;
        int D = s.Inputs, row0 = i * D;
        for (int d = 0; d < D; d++)
        {
            u[row0 + d] = uBest[row0 + d];
            du[row0 + d] = duBest[row0 + d];
        }
    }
}
