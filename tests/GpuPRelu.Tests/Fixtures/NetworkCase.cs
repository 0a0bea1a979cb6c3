using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Fresh random inputs for the network kernels: one network per tested p, float32 values (what the kernels see)
/// that the float64 references read widened. Seed goes into every failure message. Default sizes exercise the managed
/// path's blocks and tails: H 21 = one 16-wide vector block + 5, M and D 7 = one 4-row block + 3.</summary>
internal sealed record NetworkCase(int Seed, BatchShape Shape, float[] Theta, float[] P, float[] U, int[] Ym)
{
    /// <summary>The exponents every network test covers, one network each.</summary>
    public static readonly float[] Powers = [1f, 1.5f, 2f, 3f, 4f];

    public static NetworkCase Create(int outputs, int bias, int normalize, int samples = 7, int inputs = 7, int hidden = 21,
        int attempt = 0)
    {
        // a fixed seed per case (Seeds.For): the rows of one kernel's theory cover several seeds, each failure names its seed;
        // `attempt` gives a caller that rejects a draw (a z too close to the kink) the next fixed draw, not the same one
        int seed = Seeds.For(outputs, bias, normalize, samples, inputs, hidden, attempt);
        var rng = new System.Random(seed);
        var s = new BatchShape(Powers.Length, samples, inputs, hidden, outputs, bias, normalize);
        var theta = Normal(rng, s.ParameterCount, 0.7);
        var u = Normal(rng, s.Networks * samples * inputs, 1.0);
        var ym = new int[s.Networks * samples];
        for (int i = 0; i < ym.Length; i++)
            ym[i] = rng.Next(outputs == 1 ? 2 : outputs);
        return new NetworkCase(seed, s, theta, [.. Powers], u, ym);
    }

    public static float[] Normal(System.Random rng, int n, double std)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return x;
    }

    public static double[] Wide(float[] x) => [.. x.Select(v => (double)v)];

    public static float[] Narrow(double[] x) => [.. x.Select(v => (float)v)];

    public override string ToString() => $"seed {Seed}, {Shape}";
}
