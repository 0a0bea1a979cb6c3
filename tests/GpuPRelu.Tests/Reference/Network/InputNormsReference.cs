using GpuPRelu.Kernels;

namespace GpuPRelu.Tests.Reference.Network;

/// <summary>q[b, m] = ‖u_m‖₂ in float64 (docs/design.md §1, input normalization).</summary>
internal static class InputNormsReference
{
    public static double[] Run(BatchShape s, double[] u) // u: [B, M, D]
    {
        var q = new double[s.Networks * s.Samples]; // [B, M]
        for (int bm = 0; bm < q.Length; bm++)
        {
            double sum = 0;
            for (int d = 0; d < s.Inputs; d++)
                sum += u[bm * s.Inputs + d] * u[bm * s.Inputs + d];
            q[bm] = Math.Sqrt(sum);
        }
        return q;
    }
}
