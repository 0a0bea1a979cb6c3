using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/FabStepReference.cs

/// <summary>One FAB step (docs/attacks.md §9.3; AutoAttack's FABAttack): with q = f_t − f_y at u and w = ∇q, the
/// linearized boundary is the plane ⟨w, v⟩ = ⟨w, u⟩ − q. δ1 projects u onto it and δ2 the clean u0 (minimal norm, within
/// the box: FabProjection); a1, a2 their norms (at least 1e-8), α = min(a1/(a1 + a2), α_max), and
/// u ← clip((u + η·δ1)·(1 − α) + (u0 + η·δ2)·α) into the box. Inactive rows stay. Index over B·M.</summary>
public static class FabStep
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        FabSpec spec,
        ArrayView<float> u0,     // [B, M, D] clean centered points
        ArrayView<float> u,      // [B, M, D] current points, updated
        ArrayView<float> du,     // [B, M, D] ∇q at u
        ArrayView<float> margin, // [B, M] q = f_t − f_y at u
        ArrayView<float> center, // [B, D]
        ArrayView<int> active)   // [B, M] 0: the row stays
    {
        if (active[i] == 0)
            return;
        int D = s.Inputs, row0 = i * D, c0 = i / s.Samples * D;
        float q = margin[i], shift = 0f;
        for (int d = 0; d < D; d++)
            shift += du[row0 + d] * (u[row0 + d] - u0[row0 + d]);
        var own = FabProjection.Solve(spec, du, u, center, row0, c0, D, -q);
        var clean = FabProjection.Solve(spec, du, u0, center, row0, c0, D, shift - q);
        float a1 = 0f, a2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float d1 = FabProjection.Delta(spec, own, du[row0 + d], u[row0 + d] + center[c0 + d]);
            float d2 = FabProjection.Delta(spec, clean, du[row0 + d], u0[row0 + d] + center[c0 + d]);
            a1 = Accumulate(spec.Norm, a1, d1);
            a2 = Accumulate(spec.Norm, a2, d2);
        }
        a1 = XMath.Max(spec.Norm == 2 ? XMath.Sqrt(a1) : a1, 1e-8f);
        a2 = XMath.Max(spec.Norm == 2 ? XMath.Sqrt(a2) : a2, 1e-8f);
        float alpha = XMath.Min(a1 / (a1 + a2), spec.AlphaMax);
        for (int d = 0; d < D; d++)
        {
            float c = center[c0 + d], x = u[row0 + d], x0 = u0[row0 + d];
            float d1 = FabProjection.Delta(spec, own, du[row0 + d], x + c);
            float d2 = FabProjection.Delta(spec, clean, du[row0 + d], x0 + c);
            float v = (x + spec.Eta * d1) * (1f - alpha) + (x0 + spec.Eta * d2) * alpha;
            if (spec.HasBox != 0)
                v = XMath.Clamp(v + c, spec.Lo, spec.Hi) - c;
            u[row0 + d] = v;
        }
    }

    /// <summary>The running norm of a row: max |d| (l∞), Σ|d| (l1) or Σ d² (l2; its square root at the end).</summary>
    public static float Accumulate(int norm, float acc, float d) =>
        norm == 0 ? XMath.Max(acc, XMath.Abs(d)) : norm == 1 ? acc + XMath.Abs(d) : acc + d * d;
}
