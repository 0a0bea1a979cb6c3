using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Data;

namespace GpuPRelu.Tests.Reference.Data;

/// <summary>u[b, m] = x[set_b, rows[set_b, offset + m]] − center[b], ym[b, m] the same row's label (docs/design.md §4 data flow).</summary>
internal static class GatherRowsReference
{
    public static (double[] U, int[] Ym) Run(BatchShape s, RowSelection sel, float[] x, int[] y, int[] set, int[] rows,
        float[] center) // x: [S, N, D]; y, rows: [S, N]; set: [B]; center: [B, D]
    {
        var u = new double[s.Networks * s.Samples * s.Inputs]; // [B, M, D]
        var ym = new int[s.Networks * s.Samples];              // [B, M]
        for (int b = 0; b < s.Networks; b++)
        {
            int k = set[b];
            for (int m = 0; m < s.Samples; m++)
            {
                int row = rows[k * sel.RowsPerSet + sel.Offset + m];
                int n = k * sel.RowsPerSet + row;
                ym[b * s.Samples + m] = y[n];
                for (int d = 0; d < s.Inputs; d++)
                    u[(b * s.Samples + m) * s.Inputs + d] = (double)x[n * s.Inputs + d] - center[b * s.Inputs + d];
            }
        }
        return (u, ym);
    }
}
