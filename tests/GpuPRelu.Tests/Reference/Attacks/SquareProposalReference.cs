using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;

namespace GpuPRelu.Tests.Reference.Attacks;

/// <summary>Square's proposal in float64, written from AutoAttack's square.py as docs/attacks.md §9.4 describes it (one
/// channel): l∞ x_best + 2ες in the window, clamped to x0 ± ε; l2 the window update of δ = x_best − x0, rescaled to ε;
/// then the box. Broken rows keep their u.</summary>
internal static class SquareProposalReference
{
    public static double[] Run(BatchShape s, SquareSpec spec, double[] u0, double[] uBest, double[] u, double[] radius, double[] center,
        int[] draws, double[] eta, int[] broken)
    {
        int D = s.Inputs, M = s.Samples, S = spec.Side, W = spec.Width, H = spec.Height;
        var result = (double[])u.Clone();
        for (int i = 0; i < s.Networks * M; i++)
        {
            if (broken[i] != 0)
                continue;
            var x0 = new double[H, W];
            var delta = new double[H, W];
            for (int r = 0; r < H; r++)
            {
                for (int c = 0; c < W; c++)
                {
                    x0[r, c] = u0[i * D + r * W + c];
                    delta[r, c] = uBest[i * D + r * W + c] - x0[r, c];
                }
            }
            double eps = radius[i % M], sign = draws[i * 6 + 5] != 0 ? 1 : -1;
            int vh = draws[i * 6], vw = draws[i * 6 + 1], vh2 = draws[i * 6 + 2], vw2 = draws[i * 6 + 3];
            if (spec.Norm == 0)
            {
                for (int a = 0; a < S; a++)
                {
                    for (int b = 0; b < S; b++)
                        delta[vh + a, vw + b] = Math.Clamp(delta[vh + a, vw + b] + 2 * eps * sign, -eps, eps);
                }
            }
            else
            {
                double image = 0, window1 = 0, windows = 0;
                for (int r = 0; r < H; r++)
                {
                    for (int c = 0; c < W; c++)
                    {
                        bool in1 = r >= vh && r < vh + S && c >= vw && c < vw + S, in2 = r >= vh2 && r < vh2 + S && c >= vw2 && c < vw2 + S;
                        image += delta[r, c] * delta[r, c];
                        window1 += in1 ? delta[r, c] * delta[r, c] : 0;
                        windows += in1 || in2 ? delta[r, c] * delta[r, c] : 0;
                    }
                }
                var fresh = new double[S, S];
                double norm = 0;
                for (int a = 0; a < S; a++)
                {
                    for (int b = 0; b < S; b++)
                    {
                        double e = draws[i * 6 + 4] != 0 ? eta[b * S + a] : eta[a * S + b];
                        fresh[a, b] = e * sign + delta[vh + a, vw + b] / (1e-12 + Math.Sqrt(window1));
                        norm += fresh[a, b] * fresh[a, b];
                    }
                }
                double target = Math.Sqrt(Math.Max(eps * eps - image, 0) + windows);
                for (int a = 0; a < S; a++)
                {
                    for (int b = 0; b < S; b++)
                        delta[vh2 + a, vw2 + b] = 0;
                }
                for (int a = 0; a < S; a++)
                {
                    for (int b = 0; b < S; b++)
                        delta[vh + a, vw + b] = fresh[a, b] / (1e-12 + Math.Sqrt(norm)) * target;
                }
                double total = 0;
                foreach (var v in delta)
                    total += v * v;
                for (int r = 0; r < H; r++)
                {
                    for (int c = 0; c < W; c++)
                        delta[r, c] *= eps / (Math.Sqrt(total) + 1e-12);
                }
            }
            for (int r = 0; r < H; r++)
            {
                for (int c = 0; c < W; c++)
                {
                    int d = r * W + c;
                    double x = x0[r, c] + delta[r, c], cd = center[i / M * D + d];
                    result[i * D + d] = spec.HasBox != 0 ? Math.Clamp(x + cd, spec.Lo, spec.Hi) - cd : x;
                }
            }
        }
        return result;
    }
}
