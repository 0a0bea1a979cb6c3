using GpuPRelu.Attacks;
using GpuPRelu.Kernels;

namespace GpuPRelu.Certification;

/// <summary>One network of a batch in float64 for the bound (docs/certify.md §1): the neurons w_j as rows [H, D], the
/// output weights folded with the normalization, coef[j, c] = V[j, c]/‖w_j‖₂^(p−1), the bias, the center and each
/// neuron's dual norm ‖w_j‖_* (l2 → l2, l∞ → l1, l1 → l∞). Every value is the float32 parameter widened exactly; only
/// coef and the dual norms are rounded (the bound's allowance covers them).</summary>
internal sealed class MarginNetwork
{
    public MarginNetwork(BatchShape shape, float[] theta, float[] centers, int b, double p, AttackNorm norm)
    {
        int D = shape.Inputs, H = shape.Hidden, C = shape.Outputs;
        (Inputs, Hidden, Outputs, P) = (D, H, C, p);
        W = new double[H * D];
        for (int d = 0; d < D; d++)
        {
            for (int j = 0; j < H; j++)
                W[j * D + d] = theta[((long)b * D + d) * H + j];
        }
        Coef = new double[H * C];
        Dual = new double[H];
        for (int j = 0; j < H; j++)
        {
            var w = W.AsSpan(j * D, D);
            double r = 0, l1 = 0, max = 0;
            foreach (double v in w)
            {
                r += v * v;
                l1 += Math.Abs(v);
                max = Math.Max(max, Math.Abs(v));
            }
            r = Math.Sqrt(r);
            Dual[j] = norm switch { AttackNorm.L2 => r, AttackNorm.Linf => l1, _ => max };
            // a zero neuron has z ≡ 0, so ReLU(z)^p = 0 whatever its scale
            double scale = r > 0 ? Math.Pow(r, p - 1) : double.PositiveInfinity;
            for (int c = 0; c < C; c++)
                Coef[j * C + c] = theta[shape.VOffset + ((long)b * H + j) * C + c] / scale;
        }
        Bias = new double[C];
        for (int c = 0; c < C && shape.HasBias != 0; c++)
            Bias[c] = theta[shape.BiasOffset + (long)b * C + c];
        Center = [.. centers.AsSpan(b * D, D).ToArray().Select(v => (double)v)];
    }

    public int Inputs { get; }
    public int Hidden { get; }
    public int Outputs { get; }
    public double P { get; }

    /// <summary>Neurons as rows [H, D].</summary>
    public double[] W { get; }

    /// <summary>V[j, c]/‖w_j‖₂^(p−1) [H, C].</summary>
    public double[] Coef { get; }

    /// <summary>‖w_j‖_* in the threat norm's dual [H].</summary>
    public double[] Dual { get; }

    public double[] Bias { get; }
    public double[] Center { get; }

    /// <summary>σ(z) = ReLU(z)^p.</summary>
    public double Sigma(double z) => z <= 0 ? 0 : P == 1 ? z : Math.Pow(z, P);

    /// <summary>The margins of the point's decision in float64: one output y·f (y = ±1); else f_y − f_t for every t ≠ y
    /// (entry y is +∞).</summary>
    public double[] Margins(ReadOnlySpan<double> u, int label)
    {
        int D = Inputs, H = Hidden, C = Outputs;
        var f = (double[])Bias.Clone();
        for (int j = 0; j < H; j++)
        {
            double z = 0;
            for (int d = 0; d < D; d++)
                z += W[j * D + d] * u[d];
            double a = Sigma(z);
            for (int c = 0; c < C && a != 0; c++)
                f[c] += Coef[j * C + c] * a;
        }
        if (C == 1)
            return [(label == 1 ? 1 : -1) * f[0]];
        return [.. f.Select((v, t) => t == label ? double.PositiveInfinity : f[label] - v)];
    }
}
