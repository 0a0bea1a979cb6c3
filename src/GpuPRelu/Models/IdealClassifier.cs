using GpuPRelu.Kernels;

namespace GpuPRelu.Models;

/// <summary>The ideal classifiers of docs/design.md §1, F and F^(p).</summary>
public enum IdealKind
{
    /// <summary>F(x) = √K1·ReLU(⟨μ̄₊, x⟩) − √K2·ReLU(⟨μ̄₋, x⟩).</summary>
    F,

    /// <summary>F^(p)(x) = Σ_{k≤K1} ReLU(⟨μ_k, x⟩)^p − Σ_{k&gt;K1} ReLU(⟨μ_k, x⟩)^p.</summary>
    Fp,
}

/// <summary>F and F^(p) written as pReLU networks, so every attack and evaluator takes them like trained networks:
/// F has two unit neurons μ̄₊, μ̄₋ with output weights √K1, −√K2 and p = 1; F^(p) has one unit neuron per center μ_k
/// with output weight ±1 and the network's p (‖w_k‖ = 1, so a_k = ReLU(⟨μ_k, x⟩)^p exactly).</summary>
public static class IdealClassifier
{
    /// <summary>Hidden width of the network form: 2 for F, K for F^(p).</summary>
    public static int Width(IdealKind kind, int subclasses) => kind == IdealKind.F ? 2 : subclasses;

    /// <summary>The batch shape (no bias, no normalization, one output) and packed θ of B ideal classifiers, network b
    /// built on centers[b] ([K, D] row-major, orthonormal rows).</summary>
    public static (BatchShape Shape, float[] Theta) Parameters(IdealKind kind, int inputs, int subclasses, int positive,
        IReadOnlyList<double[]> centers)
    {
        ArgumentNullException.ThrowIfNull(centers);
        int B = centers.Count, D = inputs, K = subclasses, H = Width(kind, K);
        var shape = new BatchShape(B, 0, D, H, 1, 0, 0);
        var theta = new float[shape.ParameterCount];
        for (int b = 0; b < B; b++)
        {
            var mu = centers[b];
            for (int j = 0; j < H; j++)
            {
                for (int d = 0; d < D; d++)
                    theta[(b * D + d) * H + j] = (float)(kind == IdealKind.Fp ? mu[j * D + d] : Average(mu, D, K, positive, j == 0, d));
                theta[shape.VOffset + b * H + j] = (float)(kind == IdealKind.Fp
                    ? (j < positive ? 1.0 : -1.0)
                    : (j == 0 ? Math.Sqrt(positive) : -Math.Sqrt(K - positive)));
            }
        }
        return (shape, theta);
    }

    /// <summary>Coordinate d of μ̄₊ = Σ_{k≤K1} μ_k/√K1 (positive) or μ̄₋ = Σ_{k&gt;K1} μ_k/√K2.</summary>
    public static double Average(double[] mu, int inputs, int subclasses, int positive, bool positiveClass, int d)
    {
        ArgumentNullException.ThrowIfNull(mu);
        int from = positiveClass ? 0 : positive, to = positiveClass ? positive : subclasses;
        double sum = 0;
        for (int k = from; k < to; k++)
            sum += mu[k * inputs + d];
        return sum / Math.Sqrt(to - from);
    }
}
