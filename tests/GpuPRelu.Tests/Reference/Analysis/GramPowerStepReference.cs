namespace GpuPRelu.Tests.Reference.Analysis;

/// <summary>y[b] = G_b·v[b] in float64 (one power-iteration step, docs/design.md §2 stable rank).</summary>
internal static class GramPowerStepReference
{
    public static double[] Forward(
        float[] g, // [B, H, H]
        float[] v, // [B, H]
        int B, int H)
    {
        var y = new double[B * H];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++)
            {
                for (int k = 0; k < H; k++)
                    y[b * H + j] += (double)g[(b * H + j) * H + k] * v[b * H + k];
            }
        }
        return y;
    }
}
