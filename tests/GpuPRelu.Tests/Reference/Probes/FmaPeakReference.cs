namespace GpuPRelu.Tests.Reference.Probes;

/// <summary>sink[i] = Σ_c x_c after 4·trips steps of x_c ← x_c·m + a from x_c = (i mod 1024)·10⁻³ + c, float64.</summary>
internal static class FmaPeakReference
{
    public static double[] Run(int threads, int trips, double m, double a)
    {
        var sink = new double[threads];
        for (int i = 0; i < threads; i++)
        {
            for (int c = 0; c < 8; c++)
            {
                double x = (i % 1024) * 1e-3 + c;
                for (int t = 0; t < 4 * trips; t++)
                    x = x * m + a;
                sink[i] += x;
            }
        }
        return sink;
    }
}
