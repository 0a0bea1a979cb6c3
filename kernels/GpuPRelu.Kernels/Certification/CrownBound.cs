using GpuPRelu.Kernels.Network;
using ILGPU;
using ILGPU.Algorithms;

namespace GpuPRelu.Kernels.Certification;

/// <summary>The bound's constants: Norm 2 (l2) or 0 (l∞, no box); Points, the n points of each network (row m of a
/// network bounds its point m % n, so rows are radius-major like the attacks' when M = R·n); Iterations of the tangent
/// points' Frank–Wolfe steps (1: the tangents at z0 alone); StopPositive 1 ends a margin's steps once its bound is
/// positive (all a search on ε needs), 0 runs them all.</summary>
public readonly record struct CrownSpec(int Norm, int Points, int Iterations, int StopPositive);

// Reference: tests/GpuPRelu.Tests/Reference/Certification/CrownBoundReference.cs

/// <summary>The two-layer CROWN lower bound of every margin of a row's point on the ball of the row's radius
/// (docs/certify.md §1), min over the margins: z_j ∈ [z0_j − ε‖w_j‖_*, z0_j + ε‖w_j‖_*]; where c_j &gt; 0 the tangent of
/// σ = ReLU^p at z0_j (p = 1: slope 1 where z0_j &gt; 0, else 0), where c_j &lt; 0 the chord over the interval; then
/// A − ε‖g‖_* with g = Σ_j c_j·λ_j·w_j (l2: ‖g‖₂, l∞: ‖g‖₁). normalize_input scales c_j by q_hi^(1−p) (c_j &gt; 0) or
/// q_lo^(1−p) over the set's range of q = ‖u + δ‖₂ (−∞ where q_lo = 0). For p &gt; 1 the tangent points then move toward
/// the pre-activations at the worst-case δ, t_j += 2/(k + 2)·(clamp(z_j(δ*), l_j, u_j) − t_j) (docs/certify.md §2, as
/// MarginBound), and a margin's bound is the best of its iterations. A float32 screen for the search on ε: the
/// certifier's float64 host path decides. Index over B·M.</summary>
public static class CrownBound
{
    public static void Kernel(
        Index1D i,
        BatchShape s,            // M rows per network
        CrownSpec spec,
        ArrayView<float> theta,  // [W (B·D·H) | V | b], W and b read
        ArrayView<float> coef,   // [B, H, C] V_jc / ‖w_j‖₂^(p−1)
        ArrayView<float> dual,   // [B, H] ‖w_j‖_* (l2: ‖w_j‖₂, l∞: ‖w_j‖₁)
        ArrayView<float> p,      // [B]
        ArrayView<float> z0,     // [B, n, H] clean pre-activations ⟨w_j, u⟩
        ArrayView<float> u,      // [B, n, D] centered points (normalize_input's range of ‖u + δ‖₂)
        ArrayView<int> label,    // [B, n]
        ArrayView<float> radius, // [B, M] ε of each row
        ArrayView<float> g,      // [B, M, D] scratch: the current margin's g
        ArrayView<float> alpha,  // [B, M, H] scratch: the current margin's tangent points
        ArrayView<float> bound)  // [B, M]
    {
        int D = s.Inputs, H = s.Hidden, C = s.Outputs, b = i / s.Samples;
        int point = b * spec.Points + i % s.Samples % spec.Points, y = label[point];
        float eps = radius[i], pb = p[b];
        var (scaleUp, scaleDown) = (1f, 1f);
        if (s.NormalizeInput != 0 && pb != 1f)
        {
            var (qLo, qHi) = NormRange(spec.Norm, D, eps, u, point * D);
            if (!(qLo > 0f))
            {
                // a_j / q^(p−1) is unbounded on the set
                bound[i] = float.NegativeInfinity;
                return;
            }
            // σ ≥ 0: c·σ/q^(p−1) is smallest at the largest q where c > 0, at the smallest q where c < 0
            (scaleUp, scaleDown) = (1f / PReluMath.Pow(qHi, pb - 1f), 1f / PReluMath.Pow(qLo, pb - 1f));
        }
        float best = float.PositiveInfinity, sign = y == 1 ? 1f : -1f;
        for (int t = 0; t < C; t++)
        {
            if (C > 1 && t == y)
                continue;
            float bias = s.HasBias == 0 ? 0f : C == 1 ? sign * theta[s.BiasOffset + b] : theta[s.BiasOffset + b * C + y] - theta[s.BiasOffset + b * C + t];
            for (int j = 0; j < H; j++)
                alpha[i * H + j] = z0[point * H + j];
            float margin = float.NegativeInfinity;
            for (int it = 0; it < spec.Iterations; it++)
            {
                float A = bias;
                for (int d = 0; d < D; d++)
                    g[i * D + d] = 0f;
                for (int j = 0; j < H; j++)
                {
                    int k = (b * H + j) * C;
                    float c = C == 1 ? sign * coef[k] : coef[k + y] - coef[k + t];
                    if (c == 0f)
                        continue;
                    c *= c > 0f ? scaleUp : scaleDown;
                    float z = z0[point * H + j], r = eps * dual[b * H + j];
                    var (lam, a) = Line(c, z - r, z + r, alpha[i * H + j], pb);
                    A += c * (a + lam * z);
                    if (lam == 0f)
                        continue;
                    // W is [B, D, H]: column j of network b
                    float cl = c * lam;
                    for (int d = 0; d < D; d++)
                        g[i * D + d] += cl * theta[(b * D + d) * H + j];
                }
                float n = 0f;
                for (int d = 0; d < D; d++)
                    n += spec.Norm == 2 ? g[i * D + d] * g[i * D + d] : XMath.Abs(g[i * D + d]);
                n = spec.Norm == 2 ? XMath.Sqrt(n) : n;
                margin = XMath.Max(margin, A - eps * n);
                if (it == spec.Iterations - 1 || (spec.StopPositive != 0 && margin > 0f) || pb == 1f)
                    break;
                // z_j(δ*) = z0_j + ⟨w_j, δ*⟩ with δ* = −ε·g/‖g‖₂ (l2) or −ε·sign(g) (l∞): the tangents' Frank–Wolfe step
                float step = 2f / (it + 2);
                for (int j = 0; j < H; j++)
                {
                    int k = (b * H + j) * C;
                    float c = C == 1 ? sign * coef[k] : coef[k + y] - coef[k + t];
                    float z = z0[point * H + j], r = eps * dual[b * H + j];
                    if (c <= 0f || z + r <= 0f)
                        continue;
                    float dot = 0f;
                    for (int d = 0; d < D; d++)
                    {
                        float gd = g[i * D + d];
                        dot += theta[(b * D + d) * H + j] * (spec.Norm == 2 ? gd : gd > 0f ? 1f : gd < 0f ? -1f : 0f);
                    }
                    float shift = spec.Norm == 2 ? (n > 0f ? -eps * dot / n : 0f) : -eps * dot;
                    alpha[i * H + j] += step * (XMath.Clamp(z + shift, z - r, z + r) - alpha[i * H + j]);
                }
            }
            best = XMath.Min(best, margin);
        }
        bound[i] = best;
    }

    /// <summary>The line λz + a: below σ where c &gt; 0 (the tangent at t, p = 1 the slope of z0's side), the chord over
    /// [l, h] above σ where c &lt; 0; the exact line of a neuron dead (h ≤ 0) or linear (p = 1, l ≥ 0) on the set.</summary>
    public static (float Lambda, float A) Line(float c, float l, float h, float t, float p)
    {
        if (h <= 0f)
            return (0f, 0f);
        if (p == 1f && l >= 0f)
            return (1f, 0f);
        if (c > 0f)
        {
            if (p == 1f)
                return (t > 0f ? 1f : 0f, 0f);
            t = XMath.Clamp(t, l, h);
            if (t <= 0f)
                return (0f, 0f);
            float st = PReluMath.Pow(t, p), lam = p * st / t;
            return (lam, st - lam * t);
        }
        float sl = l > 0f ? PReluMath.Pow(l, p) : 0f, sh = PReluMath.Pow(h, p);
        if (!(h > l))
            return (0f, sh);
        float slope = (sh - sl) / (h - l);
        return (slope, sl - slope * l);
    }

    // [q_lo, q_hi] of q = ‖u + δ‖₂ over the set: q0 ± ε for l2, per coordinate (|u_d| ∓ ε) for l∞
    private static (float Lo, float Hi) NormRange(int norm, int D, float eps, ArrayView<float> u, int row)
    {
        float q2 = 0f, lo2 = 0f, hi2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = XMath.Abs(u[row + d]), down = XMath.Max(0f, a - eps);
            q2 += a * a;
            lo2 += down * down;
            hi2 += (a + eps) * (a + eps);
        }
        if (norm == 2)
        {
            float q = XMath.Sqrt(q2);
            return (XMath.Max(0f, q - eps), q + eps);
        }
        return (XMath.Sqrt(lo2), XMath.Sqrt(hi2));
    }
}
