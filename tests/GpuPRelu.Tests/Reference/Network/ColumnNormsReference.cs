using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>r[b, j] = ‖w_j‖₂ in float64 (docs/design.md §1).</summary>
internal static class ColumnNormsReference
{
    public static double[] Run(BatchShape s, double[] theta) // theta: W at 0 [B, D, H]
    {
        var r = new double[s.Networks * s.Hidden]; // [B, H]
        for (int b = 0; b < s.Networks; b++)
        {
            for (int j = 0; j < s.Hidden; j++)
            {
                double sum = 0;
                for (int d = 0; d < s.Inputs; d++)
                    sum += theta[(b * s.Inputs + d) * s.Hidden + j] * theta[(b * s.Inputs + d) * s.Hidden + j];
                r[b * s.Hidden + j] = Math.Sqrt(sum);
            }
        }
        return r;
    }
}
