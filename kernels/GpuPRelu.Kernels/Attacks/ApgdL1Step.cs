using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

/// <summary>The box [Lo, Hi] on x = u + center of an l1 APGD step (HasBox 0: no box, the l1 ball alone).</summary>
public readonly record struct L1Box(int HasBox, float Lo, float Hi);

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/ApgdL1StepReference.cs

/// <summary>The l1 APGD step (docs/attacks.md §3; no momentum): τ = the q-th smallest |g_j| (0-based) with
/// q = trunc(clamp((1 − topk)·D, 0, D − 1)); s = sign(g)·[|g| ≥ τ]; y = u + η·s/(‖s‖₁ + 1e-10) − u0; u ← u0 + Π(y), Π the
/// projection onto {‖δ‖₁ ≤ ε} ∩ box: δ_j = sign(y_j)·min(max(|y_j| − λ, 0), cap_j), cap_j the room to the box in y_j's
/// direction, λ = 0 when Σ cap ≤ ε, else the root of Σ_j min(max(|y_j| − λ, 0), cap_j) = ε (bisection). τ is found exactly:
/// a bisection on the value, then a walk over the values. Broken rows stay. Index over B·M.</summary>
public static class ApgdL1Step
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        L1Box box,
        ArrayView<float> u0,     // [B, M, D] clean centered points
        ArrayView<float> u,      // [B, M, D] current points, updated
        ArrayView<float> du,     // [B, M, D] ∂loss/∂u at u
        ArrayView<float> state,  // [B, M, ApgdState.Width]
        ArrayView<float> radius, // [M] ε of each row
        ArrayView<float> center, // [B, D]
        ArrayView<int> broken)   // [B, M]
    {
        if (broken[i] != 0)
            return;
        int D = s.Inputs, row0 = i * D, c0 = i / s.Samples * D, st = i * ApgdState.Width;
        float eps = radius[i % s.Samples], eta = state[st + ApgdState.Eta];
        int q = (int)XMath.Clamp((1f - state[st + ApgdState.TopK]) * D, 0f, D - 1f);
        float tau = Smallest(du, row0, D, q);
        int support = 0;
        for (int d = 0; d < D; d++)
            support += XMath.Abs(du[row0 + d]) >= tau && du[row0 + d] != 0f ? 1 : 0;
        float move = eta / (support + 1e-10f);
        // Σ cap and max |y| decide λ
        float capSum = 0f, yMax = 0f;
        for (int d = 0; d < D; d++)
        {
            float y = Y(u, du, u0, row0 + d, tau, move);
            capSum += Cap(box, y, u0[row0 + d] + center[c0 + d]);
            yMax = XMath.Max(yMax, XMath.Abs(y));
        }
        float lambda = 0f;
        if (capSum > eps)
        {
            float lo = 0f, hi = yMax;
            for (int iter = 0; iter < 50; iter++)
            {
                float mid = 0.5f * (lo + hi), sum = 0f;
                for (int d = 0; d < D; d++)
                {
                    float y = Y(u, du, u0, row0 + d, tau, move);
                    sum += XMath.Min(XMath.Max(XMath.Abs(y) - mid, 0f), Cap(box, y, u0[row0 + d] + center[c0 + d]));
                }
                if (sum > eps)
                    lo = mid;
                else
                    hi = mid;
            }
            lambda = hi; // the feasible end: Σ ≤ ε
        }
        for (int d = 0; d < D; d++)
        {
            float y = Y(u, du, u0, row0 + d, tau, move);
            float delta = XMath.Min(XMath.Max(XMath.Abs(y) - lambda, 0f), Cap(box, y, u0[row0 + d] + center[c0 + d]));
            u[row0 + d] = u0[row0 + d] + (y > 0f ? delta : y < 0f ? -delta : 0f);
        }
    }

    // y_j = u_j + η·s_j/(‖s‖₁ + 1e-10) − u0_j, s_j = sign(g_j)·[|g_j| ≥ τ]
    private static float Y(ArrayView<float> u, ArrayView<float> du, ArrayView<float> u0, int k, float tau, float move)
    {
        float g = du[k];
        float sign = XMath.Abs(g) >= tau ? (g > 0f ? 1f : g < 0f ? -1f : 0f) : 0f;
        return u[k] + move * sign - u0[k];
    }

    /// <summary>The room from x0 to the box in y's direction, capped at |y| (no box: |y|); the managed CPU step uses it too.</summary>
    public static float Cap(L1Box box, float y, float x0)
    {
        float a = XMath.Abs(y);
        if (box.HasBox == 0)
            return a;
        return y > 0f ? XMath.Min(a, XMath.Max(box.Hi - x0, 0f)) : XMath.Min(a, XMath.Max(x0 - box.Lo, 0f));
    }

    // the q-th smallest |g_j| (0-based): bisect a value v with #{|g| ≤ v} ≥ q + 1, then step to the exact order statistic
    private static float Smallest(ArrayView<float> du, int row0, int D, int q)
    {
        float lo = -1f, hi = 0f;
        for (int d = 0; d < D; d++)
            hi = XMath.Max(hi, XMath.Abs(du[row0 + d]));
        for (int iter = 0; iter < 30; iter++)
        {
            float mid = 0.5f * (XMath.Max(lo, 0f) + hi);
            if (Count(du, row0, D, mid) >= q + 1)
                hi = mid;
            else
                lo = mid;
        }
        // now #{|g| ≤ lo} ≤ q: the order statistic is the smallest value above lo once it has q + 1 values at or below it
        while (true)
        {
            float next = float.MaxValue;
            for (int d = 0; d < D; d++)
            {
                float a = XMath.Abs(du[row0 + d]);
                if (a > lo && a < next)
                    next = a;
            }
            if (Count(du, row0, D, next) >= q + 1)
                return next;
            lo = next;
        }
    }

    private static int Count(ArrayView<float> du, int row0, int D, float v)
    {
        int n = 0;
        for (int d = 0; d < D; d++)
            n += XMath.Abs(du[row0 + d]) <= v ? 1 : 0;
        return n;
    }
}
