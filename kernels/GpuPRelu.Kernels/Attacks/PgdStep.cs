using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

/// <summary>One PGD step's constants: Norm 2 (l2) or 0 (l∞), the step size, an optional box [Lo, Hi] on the input
/// x = u + center (HasBox 0 or 1), and the guard of the l2 direction g/(‖g‖₂ + Guard) (1e-7 in the paper, 1e-10 in TA).</summary>
public readonly record struct PgdSpec(int Norm, float Step, int HasBox, float Lo, float Hi, float Guard);

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/PgdStepReference.cs

/// <summary>Projected gradient ascent on the loss for every attacked row (docs/attacks.md §1): δ ← δ + η·g/(‖g‖₂ + guard)
/// (l2) or δ ← δ + η·sign(g) (l∞), then projection onto the ball of the row's radius (l2: scale by min(1, ε/‖δ‖₂); l∞:
/// clip to [−ε, ε]), then clipping of x into the box; rows already broken stay where they are. Rows are radius-major
/// within a network (row = r·n + i). Index over B·M (M = R·n rows).</summary>
public static class PgdStep
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        PgdSpec spec,
        ArrayView<float> u0,     // [B, M, D] clean centered points
        ArrayView<float> u,      // [B, M, D] current points, updated
        ArrayView<float> du,     // [B, M, D] ∂loss/∂u
        ArrayView<float> radius, // [M] ε of each row
        ArrayView<float> center, // [B, D]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int D = s.Inputs, b = i / s.Samples, row0 = i * D, c0 = b * D;
        float eps = radius[i % s.Samples];
        float g2 = 0f;
        for (int d = 0; d < D; d++)
            g2 += du[row0 + d] * du[row0 + d];
        float gScale = spec.Step / (XMath.Sqrt(g2) + spec.Guard);
        // the norm of the stepped δ, for the l2 projection
        float n2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float delta = Stepped(spec, u[row0 + d] - u0[row0 + d], du[row0 + d], gScale);
            n2 += delta * delta;
        }
        float shrink = spec.Norm == 2 && n2 > eps * eps ? eps / XMath.Sqrt(n2) : 1f;
        for (int d = 0; d < D; d++)
        {
            float delta = Stepped(spec, u[row0 + d] - u0[row0 + d], du[row0 + d], gScale) * shrink;
            if (spec.Norm != 2)
                delta = XMath.Clamp(delta, -eps, eps);
            if (spec.HasBox != 0)
                delta = XMath.Clamp(u0[row0 + d] + center[c0 + d] + delta, spec.Lo, spec.Hi) - u0[row0 + d] - center[c0 + d];
            u[row0 + d] = u0[row0 + d] + delta;
        }
    }

    private static float Stepped(PgdSpec spec, float delta, float g, float gScale) =>
        spec.Norm == 2 ? delta + gScale * g : delta + spec.Step * (g > 0f ? 1f : g < 0f ? -1f : 0f);
}
