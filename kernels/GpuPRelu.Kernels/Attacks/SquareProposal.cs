using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/SquareProposalReference.cs

/// <summary>Square's proposal (docs/attacks.md §9.4) from the best point x_b of each row, δ = x_b − x0, window W1 at
/// (vh, vw) and W2 at (vh2, vw2), side s: l∞ sets W1 to x0 + ς·ε; l2 sets W2 to 0 and W1 to (η_s·ς + δ[W1]/(‖δ[W1]‖ + 1e-12))
/// rescaled to norm √(max(ε² − ‖δ‖², 0) + ‖δ[W1 ∪ W2]‖²) (η transposed when the coin is 1), then x = x0 + ε·δ/(‖δ‖ + 1e-12);
/// both clipped to the box. draws[i] = (vh, vw, vh2, vw2, coin, sign bit). Broken rows are skipped. Index over B·M.</summary>
public static class SquareProposal
{
    /// <summary>Ints per row in draws.</summary>
    public const int Draws = 6;

    public static void Kernel(
        Index1D i,
        BatchShape s,
        SquareSpec spec,
        ArrayView<float> u0,     // [B, M, D] clean rows (centered)
        ArrayView<float> uBest,  // [B, M, D]
        ArrayView<float> u,      // [B, M, D] the proposal
        ArrayView<float> radius, // [M]
        ArrayView<float> center, // [B, D]
        ArrayView<int> draws,    // [B, M, Draws]
        ArrayView<float> eta,    // [Side, Side] l2 meta-pattern
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int D = s.Inputs, row0 = i * D, c0 = i / s.Samples * D, r0 = i * Draws, S = spec.Side, W = spec.Width;
        float eps = radius[i % s.Samples], sign = draws[r0 + 5] != 0 ? 1f : -1f;
        int vh = draws[r0], vw = draws[r0 + 1], vh2 = draws[r0 + 2], vw2 = draws[r0 + 3];
        if (spec.Norm == 0)
        {
            for (int d = 0; d < D; d++)
            {
                bool in1 = Inside(d, W, vh, vw, S);
                u[row0 + d] = Box(spec, in1 ? u0[row0 + d] + sign * eps : uBest[row0 + d], center[c0 + d]);
            }
            return;
        }
        // norms of δ over the image, W1 and W1 ∪ W2
        float image = 0f, window1 = 0f, windows = 0f;
        for (int d = 0; d < D; d++)
        {
            float delta = uBest[row0 + d] - u0[row0 + d];
            bool in1 = Inside(d, W, vh, vw, S), in2 = Inside(d, W, vh2, vw2, S);
            image += delta * delta;
            window1 += in1 ? delta * delta : 0f;
            windows += in1 || in2 ? delta * delta : 0f;
        }
        float inv1 = 1f / (XMath.Sqrt(window1) + 1e-12f);
        float fresh = 0f;
        for (int d = 0; d < D; d++)
        {
            float v = Inside(d, W, vh, vw, S) ? New(d, W, vh, vw, S, eta, draws[r0 + 4], sign, uBest[row0 + d] - u0[row0 + d], inv1) : 0f;
            fresh += v * v;
        }
        float scale = XMath.Sqrt(XMath.Max(eps * eps - image, 0f) + windows) / (XMath.Sqrt(fresh) + 1e-12f);
        // the new δ's norm, then the proposal rescaled to ε
        float total = 0f;
        for (int d = 0; d < D; d++)
        {
            float delta = Delta(d, W, vh, vw, vh2, vw2, S, eta, draws[r0 + 4], sign, uBest[row0 + d] - u0[row0 + d], inv1, scale);
            total += delta * delta;
        }
        float k = eps / (XMath.Sqrt(total) + 1e-12f);
        for (int d = 0; d < D; d++)
        {
            float delta = Delta(d, W, vh, vw, vh2, vw2, S, eta, draws[r0 + 4], sign, uBest[row0 + d] - u0[row0 + d], inv1, scale);
            u[row0 + d] = Box(spec, u0[row0 + d] + k * delta, center[c0 + d]);
        }
    }

    private static bool Inside(int d, int W, int vh, int vw, int S)
    {
        int r = d / W, c = d % W;
        return r >= vh && r < vh + S && c >= vw && c < vw + S;
    }

    // the new δ at d: W1 the rescaled fresh values, W2 (outside W1) 0, elsewhere the old δ
    private static float Delta(int d, int W, int vh, int vw, int vh2, int vw2, int S, ArrayView<float> eta, int coin, float sign, float old,
        float inv1, float scale)
    {
        if (Inside(d, W, vh, vw, S))
            return scale * New(d, W, vh, vw, S, eta, coin, sign, old, inv1);
        return Inside(d, W, vh2, vw2, S) ? 0f : old;
    }

    // η_s·ς + δ/‖δ[W1]‖ at d inside W1
    private static float New(int d, int W, int vh, int vw, int S, ArrayView<float> eta, int coin, float sign, float old, float inv1)
    {
        int a = d / W - vh, b = d % W - vw;
        return eta[coin != 0 ? b * S + a : a * S + b] * sign + old * inv1;
    }

    private static float Box(SquareSpec spec, float u, float c) =>
        spec.HasBox != 0 ? XMath.Min(XMath.Max(u + c, spec.Lo), spec.Hi) - c : u;
}
