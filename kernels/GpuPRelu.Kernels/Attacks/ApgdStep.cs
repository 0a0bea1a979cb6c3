using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

/// <summary>One APGD step's constants: Norm 2 (l2) or 0 (l∞), the momentum weight a (1 at the first iteration, 0.75
/// after), and an optional box [Lo, Hi] on x = u + center (HasBox 0 or 1).</summary>
public readonly record struct ApgdSpec(int Norm, float Momentum, int HasBox, float Lo, float Hi);

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/ApgdStepReference.cs

/// <summary>The APGD momentum step (docs/attacks.md §2.2 step b): z = u + η·sign(g) (l∞) or u + η·g/(‖g‖₂ + 1e-12)
/// (l2), s = P(z), v = u + a·(s − u) + (1 − a)·(u − u_prev), u_prev ← u, u ← P(v); P projects onto the row's ball around
/// u0 (l2: scale (v − u0) by min(ε, ‖v − u0‖)/(‖v − u0‖ + 1e-12), as AA does) and then clips into the box. Broken rows
/// stay. Rows are radius-major within a network (row = r·n + i). Index over B·M.</summary>
public static class ApgdStep
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ApgdSpec spec,
        ArrayView<float> u0,     // [B, M, D] clean centered points
        ArrayView<float> u,      // [B, M, D] current points, updated
        ArrayView<float> uPrev,  // [B, M, D] previous points, updated
        ArrayView<float> du,     // [B, M, D] ∂loss/∂u at u
        ArrayView<float> state,  // [B, M, ApgdState.Width]
        ArrayView<float> radius, // [M] ε of each row
        ArrayView<float> center, // [B, D]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int D = s.Inputs, row0 = i * D, c0 = i / s.Samples * D;
        float eps = radius[i % s.Samples], eta = state[i * ApgdState.Width + ApgdState.Eta], a = spec.Momentum;
        float gScale = eta;
        if (spec.Norm == 2)
        {
            float g2 = 0f;
            for (int d = 0; d < D; d++)
                g2 += du[row0 + d] * du[row0 + d];
            gScale = eta / (XMath.Sqrt(g2) + 1e-12f);
        }
        // l2 needs ‖z − u0‖ for s = P(z), then ‖v − u0‖ for P(v); l∞ projects coordinatewise (the factors stay 1)
        float zScale = 1f, vScale = 1f;
        if (spec.Norm == 2)
        {
            float z2 = 0f;
            for (int d = 0; d < D; d++)
            {
                float z = Z(spec, u[row0 + d], du[row0 + d], gScale) - u0[row0 + d];
                z2 += z * z;
            }
            zScale = L2Factor(z2, eps);
            float v2 = 0f;
            for (int d = 0; d < D; d++)
            {
                float v = V(spec, eps, zScale, u0[row0 + d], u[row0 + d], uPrev[row0 + d], du[row0 + d], gScale, center[c0 + d], a) - u0[row0 + d];
                v2 += v * v;
            }
            vScale = L2Factor(v2, eps);
        }
        for (int d = 0; d < D; d++)
        {
            float v = V(spec, eps, zScale, u0[row0 + d], u[row0 + d], uPrev[row0 + d], du[row0 + d], gScale, center[c0 + d], a);
            uPrev[row0 + d] = u[row0 + d];
            u[row0 + d] = Project(spec, eps, vScale, u0[row0 + d], v, center[c0 + d]);
        }
    }

    private static float Z(ApgdSpec spec, float u, float g, float gScale) =>
        spec.Norm == 2 ? u + gScale * g : u + gScale * (g > 0f ? 1f : g < 0f ? -1f : 0f);

    // v = u + a·(P(z) − u) + (1 − a)·(u − u_prev)
    private static float V(ApgdSpec spec, float eps, float zScale, float u0, float u, float uPrev, float g, float gScale, float c, float a)
    {
        float sp = Project(spec, eps, zScale, u0, Z(spec, u, g, gScale), c);
        return u + a * (sp - u) + (1f - a) * (u - uPrev);
    }

    // P for one coordinate: the l2 factor (precomputed from the row norm) or the l∞ clip, then the box
    private static float Project(ApgdSpec spec, float eps, float l2Factor, float u0, float v, float c)
    {
        float delta = spec.Norm == 2 ? (v - u0) * l2Factor : XMath.Clamp(v - u0, -eps, eps);
        float x = u0 + delta;
        return spec.HasBox != 0 ? XMath.Clamp(x + c, spec.Lo, spec.Hi) - c : x;
    }

    private static float L2Factor(float norm2, float eps)
    {
        float n = XMath.Sqrt(norm2);
        return XMath.Min(eps, n) / (n + 1e-12f);
    }
}
