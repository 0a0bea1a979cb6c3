namespace GpuPRelu.Attacks;

/// <summary>APGD-T's targets (docs/attacks.md §9.2 step 2a): the class of the rank-th largest clean logit of each row,
/// ranks by a stable descending sort (ties to the first index), so that on a correctly classified point ranks 2, 3, …
/// are the highest-scoring other classes. One output: the only target is the other class (the loss ignores it).</summary>
internal static class ApgdTargets
{
    /// <summary>targets [rows] from clean logits f [rows, C] for rank ≥ 2 (≤ C).</summary>
    public static int[] OfRank(float[] f, int C, int rank)
    {
        int rows = f.Length / C;
        var t = new int[rows];
        if (C == 1)
            return t;
        for (int row = 0; row < rows; row++)
            t[row] = Enumerable.Range(0, C).OrderByDescending(c => f[row * C + c]).ElementAt(rank - 1);
        return t;
    }
}
