using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Reductions;

/// <summary>sums[b] = (Σ_m loss[b, m], Σ_m correct[b, m]), float64.</summary>
internal static class RowSumsReference
{
    public static double[] Run(BatchShape s, double[] loss, double[] correct) // loss, correct: [B, M]
    {
        var sums = new double[2 * s.Networks]; // [B, 2]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int m = 0; m < s.Samples; m++)
            {
                sums[2 * b] += loss[b * s.Samples + m];
                sums[2 * b + 1] += correct[b * s.Samples + m];
            }
        }
        return sums;
    }
}
