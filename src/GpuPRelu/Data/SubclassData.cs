using GpuPRelu.Random;

namespace GpuPRelu.Data;

/// <summary>The subclass mixture of docs/design.md §1: K orthonormal centers μ_k, subclasses 1..K1 positive (label 1), the
/// rest negative (label 0); a sample is μ_k + ξ with k uniform and ξ ~ N(0, α²/D·I).</summary>
public static class SubclassData
{
    /// <summary>The centers as a [K, D] row-major array: e_1..e_K, or a seeded random orthonormal set.</summary>
    public static double[] Centers(int inputs, int subclasses, bool random, long seed)
    {
        var mu = new double[subclasses * inputs];
        if (!random)
        {
            for (int k = 0; k < subclasses; k++)
                mu[k * inputs + k] = 1.0;
            return mu;
        }
        // Gram–Schmidt on Gaussian rows is the QR of a Gaussian matrix (twice, for float64 orthogonality).
        for (int i = 0; i < mu.Length; i++)
            mu[i] = CounterRandom.Normal(seed, RandomPurpose.Centers, i);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < subclasses; k++)
            {
                var row = mu.AsSpan(k * inputs, inputs);
                for (int l = 0; l < k; l++)
                {
                    var prev = mu.AsSpan(l * inputs, inputs);
                    double dot = 0;
                    for (int d = 0; d < inputs; d++)
                        dot += row[d] * prev[d];
                    for (int d = 0; d < inputs; d++)
                        row[d] -= dot * prev[d];
                }
                double norm = 0;
                for (int d = 0; d < inputs; d++)
                    norm += row[d] * row[d];
                norm = Math.Sqrt(norm);
                for (int d = 0; d < inputs; d++)
                    row[d] /= norm;
            }
        }
        return mu;
    }

    /// <summary>n samples of the mixture; test = true draws from the test streams, independent of the training ones.</summary>
    public static DataSet Generate(double[] centers, int inputs, int subclasses, int positiveSubclasses, double alpha,
        int samples, long seed, bool test) =>
        Generate(centers, inputs, subclasses, positiveSubclasses, alpha, samples, seed,
            test ? RandomPurpose.TestSubclass : RandomPurpose.TrainSubclass, test ? RandomPurpose.TestNoise : RandomPurpose.TrainNoise);

    /// <summary>n samples of the mixture drawn from the given streams (fresh samples for an evaluator, independent of
    /// the training and test sets).</summary>
    public static DataSet Generate(double[] centers, int inputs, int subclasses, int positiveSubclasses, double alpha,
        int samples, long seed, RandomPurpose subclassStream, RandomPurpose noiseStream)
    {
        ArgumentNullException.ThrowIfNull(centers);
        double sigma = alpha / Math.Sqrt(inputs);
        var x = new float[(long)samples * inputs];
        var y = new int[samples];
        Parallel.For(0, samples, n =>
        {
            int k = CounterRandom.Below(seed, subclassStream, n, subclasses);
            y[n] = k < positiveSubclasses ? 1 : 0;
            for (int d = 0; d < inputs; d++)
                x[(long)n * inputs + d] = (float)(centers[k * inputs + d] + sigma * CounterRandom.Normal(seed, noiseStream, (long)n * inputs + d));
        });
        return new DataSet(x, y, samples, inputs, 2);
    }
}
