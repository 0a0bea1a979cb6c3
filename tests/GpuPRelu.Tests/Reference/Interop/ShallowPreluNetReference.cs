namespace GpuPRelu.Tests.Reference.Interop;

/// <summary>The reference's ShallowPreluNet.forward in float64, written from its PyTorch definition in the reference's
/// unbatched layout (docs/design.md §1, §3): u = x − center; z = u·W; a = ReLU(z)^p / ‖W[:, j]‖^(p−1) for p &gt; 1, and with
/// normalize_input also / ‖u‖^(p−1); ReLU(z) for p = 1; f = a·weightᵀ + bias.</summary>
internal static class ShallowPreluNetReference
{
    public static double[] Forward(
        float[] x,        // [N, D]
        float[] center,   // [1, D]
        float[] w,        // [D, H] prelulayer.W
        float[] weight,   // [C, H] output_net.weight
        float[]? bias,    // [C] output_net.bias
        double p, bool normalizeInput, int N, int D, int H, int C)
    {
        var a = Hidden(x, center, w, p, normalizeInput, N, D, H);
        var f = new double[N * C];
        for (int n = 0; n < N; n++)
        {
            for (int c = 0; c < C; c++)
            {
                double sum = bias is null ? 0 : bias[c];
                for (int j = 0; j < H; j++)
                    sum += a[n * H + j] * weight[c * H + j];
                f[n * C + c] = sum;
            }
        }
        return f;
    }

    /// <summary>The hidden features a [N, H] (the reference's return_feature output).</summary>
    public static double[] Hidden(float[] x, float[] center, float[] w, double p, bool normalizeInput, int N, int D, int H)
    {
        var a = new double[N * H];
        var r = new double[H];
        for (int j = 0; j < H; j++)
        {
            for (int d = 0; d < D; d++)
                r[j] += (double)w[d * H + j] * w[d * H + j];
            r[j] = Math.Sqrt(r[j]);
        }
        var u = new double[D];
        for (int n = 0; n < N; n++)
        {
            double q = 0;
            for (int d = 0; d < D; d++)
            {
                u[d] = (double)x[n * D + d] - center[d];
                q += u[d] * u[d];
            }
            q = Math.Sqrt(q);
            for (int j = 0; j < H; j++)
            {
                double z = 0;
                for (int d = 0; d < D; d++)
                    z += u[d] * w[d * H + j];
                double relu = Math.Max(z, 0);
                a[n * H + j] = p > 1 ? Math.Pow(relu, p) / Math.Pow(r[j], p - 1) : relu;
                if (p > 1 && normalizeInput)
                    a[n * H + j] /= Math.Pow(q, p - 1);
            }
        }
        return a;
    }
}
