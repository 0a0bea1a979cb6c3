namespace GpuPRelu.Tests.Reference.Analysis;

/// <summary>λ[b] = ‖y_b‖, v_b = y_b/λ[b] (unchanged when λ = 0) and trace[b] = Σ_j G_b[j, j], in float64 (docs/design.md §2).</summary>
internal static class PowerNormalizeReference
{
    public static (double[] Lambda, double[] Trace, double[] V) Forward(
        float[] g, // [B, H, H]
        float[] y, // [B, H]
        float[] v, // [B, H] before
        int B, int H)
    {
        var lambda = new double[B];
        var trace = new double[B];
        var vOut = new double[B * H];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < H; j++)
            {
                lambda[b] += (double)y[b * H + j] * y[b * H + j];
                trace[b] += g[(b * H + j) * H + j];
            }
            lambda[b] = Math.Sqrt(lambda[b]);
            for (int j = 0; j < H; j++)
                vOut[b * H + j] = lambda[b] > 0 ? y[b * H + j] / lambda[b] : v[b * H + j];
        }
        return (lambda, trace, vOut);
    }
}
