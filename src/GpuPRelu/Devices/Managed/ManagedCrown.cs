using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Certification;
using GpuPRelu.Kernels.Network;

namespace GpuPRelu.Devices.Managed;

/// <summary>CrownBound on the CPU (docs/certify.md §1): the kernel's lines (CrownBound.Line) and sums a row at a time,
/// g accumulated with Simd.Axpy over each network's neurons as rows (W [B, D, H] transposed once per launch, so a
/// neuron is D contiguous floats).</summary>
internal static unsafe class ManagedCrown
{
    public static void Bound(BatchShape s, CrownSpec spec, float* theta, float* coef, float* dual, float* p, float* z0, float* u,
        int* label, float* radius, float* bound)
    {
        int B = s.Networks, D = s.Inputs, H = s.Hidden, M = s.Samples;
        var w = new float[(long)B * H * D]; // [B, H, D]
        for (int b = 0; b < B; b++)
        {
            for (int d = 0; d < D; d++)
            {
                for (int j = 0; j < H; j++)
                    w[((long)b * H + j) * D + d] = theta[((long)b * D + d) * H + j];
            }
        }
        int rows = B * M, perTask = Math.Max(1, rows / (4 * Environment.ProcessorCount));
        Parallel.For(0, (rows + perTask - 1) / perTask, t =>
        {
            var (g, alpha) = (new float[D], new float[H]);
            fixed (float* wp = w, gp = g, ap = alpha)
            {
                for (int i = t * perTask; i < Math.Min(rows, (t + 1) * perTask); i++)
                    bound[i] = Row(s, spec, i, theta, coef, dual, p, z0, u, label, radius[i], wp, gp, ap);
            }
        });
    }

    // row i: min over its margins of A − ε‖g‖_*, as CrownBound.Kernel
    private static float Row(BatchShape s, CrownSpec spec, int i, float* theta, float* coef, float* dual, float* p, float* z0, float* u,
        int* label, float eps, float* w, float* g, float* alpha)
    {
        int D = s.Inputs, H = s.Hidden, C = s.Outputs, b = i / s.Samples;
        int point = b * spec.Points + i % s.Samples % spec.Points, y = label[point];
        float pb = p[b], scaleUp = 1f, scaleDown = 1f;
        if (s.NormalizeInput != 0 && pb != 1f)
        {
            var (qLo, qHi) = NormRange(spec.Norm, D, eps, u + (long)point * D);
            if (!(qLo > 0f))
                return float.NegativeInfinity;
            (scaleUp, scaleDown) = (1f / PReluMath.Pow(qHi, pb - 1f), 1f / PReluMath.Pow(qLo, pb - 1f));
        }
        float best = float.PositiveInfinity, sign = y == 1 ? 1f : -1f;
        for (int t = 0; t < C; t++)
        {
            if (C > 1 && t == y)
                continue;
            float bias = s.HasBias == 0 ? 0f : C == 1 ? sign * theta[s.BiasOffset + b] : theta[s.BiasOffset + b * C + y] - theta[s.BiasOffset + b * C + t];
            new Span<float>(z0 + (long)point * H, H).CopyTo(new Span<float>(alpha, H));
            float margin = float.NegativeInfinity;
            for (int it = 0; it < spec.Iterations; it++)
            {
                float A = bias;
                new Span<float>(g, D).Clear();
                for (int j = 0; j < H; j++)
                {
                    float c = Coefficient(coef, (b * H + j) * C, C, sign, y, t);
                    if (c == 0f)
                        continue;
                    c *= c > 0f ? scaleUp : scaleDown;
                    float z = z0[(long)point * H + j], r = eps * dual[b * H + j];
                    var (lam, a) = CrownBound.Line(c, z - r, z + r, alpha[j], pb);
                    A += c * (a + lam * z);
                    if (lam != 0f)
                        Simd.Axpy(c * lam, w + ((long)b * H + j) * D, g, D);
                }
                float n = 0f;
                if (spec.Norm == 2)
                    n = MathF.Sqrt(Simd.Dot(g, g, D));
                else
                {
                    for (int d = 0; d < D; d++)
                        n += MathF.Abs(g[d]);
                }
                margin = MathF.Max(margin, A - eps * n);
                if (it == spec.Iterations - 1 || (spec.StopPositive != 0 && margin > 0f) || pb == 1f)
                    break;
                // the tangents' Frank–Wolfe step toward z_j(δ*), δ* = −ε·g/‖g‖₂ (l2) or −ε·sign(g) (l∞)
                if (spec.Norm != 2)
                {
                    for (int d = 0; d < D; d++)
                        g[d] = g[d] > 0f ? 1f : g[d] < 0f ? -1f : 0f;
                }
                float step = 2f / (it + 2), scale = spec.Norm == 2 ? (n > 0f ? -eps / n : 0f) : -eps;
                for (int j = 0; j < H; j++)
                {
                    float c = Coefficient(coef, (b * H + j) * C, C, sign, y, t), z = z0[(long)point * H + j], r = eps * dual[b * H + j];
                    if (c <= 0f || z + r <= 0f)
                        continue;
                    float shift = scale * Simd.Dot(w + ((long)b * H + j) * D, g, D);
                    alpha[j] += step * (Math.Clamp(z + shift, z - r, z + r) - alpha[j]);
                }
            }
            best = MathF.Min(best, margin);
        }
        return best;
    }

    // c_j of margin t: y·coef (one output), coef_y − coef_t
    private static float Coefficient(float* coef, int k, int C, float sign, int y, int t) => C == 1 ? sign * coef[k] : coef[k + y] - coef[k + t];

    // [q_lo, q_hi] of ‖u + δ‖₂ over the set, as the kernel's
    private static (float Lo, float Hi) NormRange(int norm, int D, float eps, float* u)
    {
        float q2 = 0f, lo2 = 0f, hi2 = 0f;
        for (int d = 0; d < D; d++)
        {
            float a = MathF.Abs(u[d]), down = MathF.Max(0f, a - eps);
            q2 += a * a;
            lo2 += down * down;
            hi2 += (a + eps) * (a + eps);
        }
        return norm == 2 ? (MathF.Max(0f, MathF.Sqrt(q2) - eps), MathF.Sqrt(q2) + eps) : (MathF.Sqrt(lo2), MathF.Sqrt(hi2));
    }
}
