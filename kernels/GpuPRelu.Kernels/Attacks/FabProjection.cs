using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Attacks;

// Reference: tests/GpuPRelu.Tests/Reference/Attacks/FabStepReference.cs (Project)

/// <summary>FAB's projection (docs/attacks.md §9.3) of a row t [D] onto the plane ⟨w, v⟩ = ⟨w, t⟩ + r intersected with
/// the box, minimal in the norm: the solution is monotone in one scalar (FabPlane). l2 and l∞: active-set passes from the
/// unboxed solution, each exact on the coordinates saturated so far (a bisection takes over if they do not settle);
/// l1: a bisection on the threshold until at most one coordinate is left partly moved (coordinates of equal |w_j| at the
/// threshold share the rest in proportion to their room). Used by FabStep; callable from any kernel.</summary>
public static class FabProjection
{
    private const int Bisections = 40;
    private const int ActiveSetPasses = 12;

    /// <summary>The room of coordinate x (= t_j + center_j) in direction dir (±1; 0 has none) to the box; no box: +∞.</summary>
    public static float Cap(FabSpec spec, float dir, float x)
    {
        if (dir == 0f)
            return 0f;
        if (spec.HasBox == 0)
            return float.PositiveInfinity;
        return dir > 0f ? XMath.Max(spec.Hi - x, 0f) : XMath.Max(x - spec.Lo, 0f);
    }

    /// <summary>The plane's parameters for t = view[row0 .. row0 + D) (centers at c0), w the same layout in `w`.</summary>
    public static FabPlane Solve(FabSpec spec, ArrayView<float> w, ArrayView<float> t, ArrayView<float> center, int row0, int c0, int D, float r)
    {
        float sign = r > 0f ? 1f : r < 0f ? -1f : 0f, need = XMath.Abs(r);
        if (sign == 0f)
            return new FabPlane(0f, 0f, 0f, 0f);
        // G: the most the box allows; K: Σ|w_j|·k_j, the unboxed rate (k_j = |w_j| for l2, [w_j ≠ 0] for l∞)
        float total = 0f, rate = 0f, muMax = 0f, wMax = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = XMath.Abs(w[row0 + d]);
            if (a == 0f)
                continue;
            float cap = Cap(spec, sign * w[row0 + d], t[row0 + d] + center[c0 + d]);
            total += a * cap;
            float k = spec.Norm == 2 ? a : 1f;
            rate += a * k;
            muMax = XMath.Max(muMax, cap / k);
            wMax = XMath.Max(wMax, a);
        }
        if (spec.Norm == 1)
            return SolveL1(spec, w, t, center, row0, c0, D, sign, need, total, wMax);
        if (spec.HasBox == 0)
            return new FabPlane(sign, rate > 0f ? need / rate : 0f, 0f, 0f);
        if (total <= need)
            return new FabPlane(sign, float.PositiveInfinity, 0f, 0f);
        // active set: from the unboxed μ (a lower bound), solve exactly with the coordinates saturated at the current μ;
        // each solve stays ≤ μ* and grows the saturated set, so it ends at μ* (usually in a few passes)
        float lo = need / rate;
        for (int iter = 0; iter < ActiveSetPasses; iter++)
        {
            float next = Exact(spec, w, t, center, row0, c0, D, sign, need, lo);
            if (!(next > lo))
                return new FabPlane(sign, XMath.Max(next, 0f), 0f, 0f);
            lo = next;
        }
        // not settled (many saturation levels): bisect from the bound reached, then solve exactly as above
        float hi = XMath.Max(muMax, lo);
        for (int iter = 0; iter < Bisections; iter++)
        {
            float mid = 0.5f * (lo + hi);
            if (Reach(spec, w, t, center, row0, c0, D, sign, mid) >= need)
                hi = mid;
            else
                lo = mid;
        }
        return new FabPlane(sign, XMath.Clamp(Exact(spec, w, t, center, row0, c0, D, sign, need, hi), lo, hi), 0f, 0f);
    }

    // μ solving Σ_{saturated at μ0} |w_j|·cap_j + μ·Σ_{others} |w_j|·k_j = need (l2, l∞); μ0 when nothing is free
    private static float Exact(FabSpec spec, ArrayView<float> w, ArrayView<float> t, ArrayView<float> center, int row0, int c0, int D,
        float sign, float need, float mu0)
    {
        float saturated = 0f, free = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = XMath.Abs(w[row0 + d]);
            if (a == 0f)
                continue;
            float cap = Cap(spec, sign * w[row0 + d], t[row0 + d] + center[c0 + d]), k = spec.Norm == 2 ? a : 1f;
            if (mu0 * k >= cap)
                saturated += a * cap;
            else
                free += a * k;
        }
        return free > 0f ? (need - saturated) / free : mu0;
    }

    // l1: the coordinates of largest |w_j| go to their caps first; bisect the threshold θ on |w_j|
    private static FabPlane SolveL1(FabSpec spec, ArrayView<float> w, ArrayView<float> t, ArrayView<float> center, int row0, int c0, int D,
        float sign, float need, float total, float wMax)
    {
        if (total <= need)
            return new FabPlane(sign, -1f, -1f, 1f);
        float lo = 0f, hi = wMax;
        int countLo = Count(w, row0, D, lo), countHi = 0;
        for (int iter = 0; iter < Bisections && countLo - countHi > 1; iter++)
        {
            float mid = 0.5f * (lo + hi);
            if (Above(spec, w, t, center, row0, c0, D, sign, mid) >= need)
            {
                lo = mid;
                countLo = Count(w, row0, D, mid);
            }
            else
            {
                hi = mid;
                countHi = Count(w, row0, D, mid);
            }
        }
        float full = Above(spec, w, t, center, row0, c0, D, sign, hi), part = Above(spec, w, t, center, row0, c0, D, sign, lo) - full;
        float fill = part > 0f ? XMath.Clamp((need - full) / part, 0f, 1f) : 0f;
        return new FabPlane(sign, hi, lo, fill);
    }

    // Σ |w_j|·m_j(μ) for l2 and l∞
    private static float Reach(FabSpec spec, ArrayView<float> w, ArrayView<float> t, ArrayView<float> center, int row0, int c0, int D, float sign, float mu)
    {
        float sum = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = XMath.Abs(w[row0 + d]);
            if (a == 0f)
                continue;
            float cap = Cap(spec, sign * w[row0 + d], t[row0 + d] + center[c0 + d]);
            sum += a * XMath.Min(mu * (spec.Norm == 2 ? a : 1f), cap);
        }
        return sum;
    }

    // Σ |w_j|·cap_j over |w_j| > θ (l1)
    private static float Above(FabSpec spec, ArrayView<float> w, ArrayView<float> t, ArrayView<float> center, int row0, int c0, int D, float sign, float theta)
    {
        float sum = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = XMath.Abs(w[row0 + d]);
            if (a > theta)
                sum += a * Cap(spec, sign * w[row0 + d], t[row0 + d] + center[c0 + d]);
        }
        return sum;
    }

    // #{j : |w_j| > θ}
    private static int Count(ArrayView<float> w, int row0, int D, float theta)
    {
        int n = 0;
        for (int d = 0; d < D; d++)
            n += XMath.Abs(w[row0 + d]) > theta ? 1 : 0;
        return n;
    }

    /// <summary>δ_j of the plane's solution for w_j at x = t_j + center_j.</summary>
    public static float Delta(FabSpec spec, FabPlane plane, float wj, float x)
    {
        float dir = plane.Sign * (wj > 0f ? 1f : wj < 0f ? -1f : 0f);
        if (dir == 0f)
            return 0f;
        float a = XMath.Abs(wj), cap = Cap(spec, dir, x), m;
        if (spec.Norm == 1)
            m = a > plane.Mu ? cap : a > plane.Lo ? plane.Fill * cap : 0f;
        else
            m = XMath.Min(plane.Mu * (spec.Norm == 2 ? a : 1f), cap);
        return dir * m;
    }
}
