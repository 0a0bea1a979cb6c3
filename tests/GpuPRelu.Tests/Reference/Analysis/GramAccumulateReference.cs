namespace GpuPRelu.Tests.Reference.Analysis;

/// <summary>g[b, j, k] + Σ_m a[b, m, j]·a[b, m, k] in float64 (the Gram matrix of the stable rank, docs/design.md §2).</summary>
internal static class GramAccumulateReference
{
    public static double[] Forward(
        float[] a, // [B, M, H]
        float[] g, // [B, H, H] before
        int B, int M, int H)
    {
        var result = new double[B * H * H];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++)
            {
                for (int k = 0; k < H; k++)
                {
                    double sum = g[(b * H + j) * H + k];
                    for (int m = 0; m < M; m++)
                        sum += (double)a[(b * M + m) * H + j] * a[(b * M + m) * H + k];
                    result[(b * H + j) * H + k] = sum;
                }
            }
        }
        return result;
    }
}
