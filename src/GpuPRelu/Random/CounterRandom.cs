namespace GpuPRelu.Random;

/// <summary>Counter-based random numbers: every value is a pure function of (seed, stream, index), so a seed gives the
/// same data, initial weights and shuffles on every device and in any order of generation (docs/design.md §4 randomness).
/// The mixing function is SplitMix64's finalizer applied to a Weyl-style combination of the three keys.</summary>
public static class CounterRandom
{
    /// <summary>64 well-mixed bits for (seed, stream, index).</summary>
    public static ulong Bits(long seed, RandomPurpose stream, long index)
    {
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        x = Mix(x ^ unchecked((ulong)stream * 0xD1B54A32D192ED03UL));
        return Mix(x ^ unchecked((ulong)index * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL));
    }

    // SplitMix64's output function (Steele, Lea, Flood 2014): a bijection with full avalanche.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in the open interval (0, 1), 53 bits.</summary>
    public static double Uniform(long seed, RandomPurpose stream, long index) =>
        ((Bits(seed, stream, index) >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller from the uniforms at 2·index and 2·index + 1.</summary>
    public static double Normal(long seed, RandomPurpose stream, long index)
    {
        double u1 = Uniform(seed, stream, 2 * index), u2 = Uniform(seed, stream, 2 * index + 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Uniform integer in [0, n) (n ≤ 2^31; the modulo bias is below 2^-32).</summary>
    public static int Below(long seed, RandomPurpose stream, long index, int n) =>
        (int)(Bits(seed, stream, index) % (ulong)n);

    /// <summary>A permutation of 0..n−1 by Fisher–Yates, keyed by (seed, stream, round): round r draws indices
    /// r·n .. r·n + n − 1.</summary>
    public static int[] Permutation(long seed, RandomPurpose stream, long round, int n)
    {
        var perm = new int[n];
        for (int i = 0; i < n; i++)
            perm[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int k = Below(seed, stream, round * n + i, i + 1);
            (perm[i], perm[k]) = (perm[k], perm[i]);
        }
        return perm;
    }
}
