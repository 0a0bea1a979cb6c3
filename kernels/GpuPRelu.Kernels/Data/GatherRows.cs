using ILGPU;

namespace GpuPRelu.Kernels.Data;

/// <summary>Which rows of the data sets a launch reads: rows[set·RowsPerSet + Offset + m] (a shuffled
/// mini-batch or an evaluation chunk).</summary>
public readonly record struct RowSelection(int RowsPerSet, int Offset);

// Reference: tests/GpuPRelu.Tests/Reference/Data/GatherRowsReference.cs

/// <summary>u[b, m, :] = x[set_b, row_m, :] − center[b, :] and ym[b, m] = y[set_b, row_m]: each network reads its own
/// data set through one row order (docs/design.md §1 data model, §4 data flow). Index over B·M·D.</summary>
public static class GatherRows
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        RowSelection sel,
        ArrayView<float> x,      // [S, N, D]
        ArrayView<int> y,        // [S, N]
        ArrayView<int> set,      // [B] data set of each network
        ArrayView<int> rows,     // [S, N] row order of each data set
        ArrayView<float> center, // [B, D]
        ArrayView<float> u,      // [B, M, D]
        ArrayView<int> ym)       // [B, M]
    {
        int d = i % s.Inputs, bm = i / s.Inputs, m = bm % s.Samples, b = bm / s.Samples;
        int k = set[b];
        int row = rows[k * sel.RowsPerSet + sel.Offset + m];
        int src = k * sel.RowsPerSet + row;
        u[i] = x[src * s.Inputs + d] - center[b * s.Inputs + d];
        if (d == 0)
            ym[bm] = y[src];
    }
}
