using GpuPRelu.Kernels.Network;
using ILGPU;

namespace GpuPRelu.Kernels.Analysis;

// Reference: tests/GpuPRelu.Tests/Reference/Analysis/GramAccumulateReference.cs

/// <summary>g[b, j, k] += Σ_m a[b, m, j]·a[b, m, k]: the Gram matrix AᵀA of each network's rows, accumulated chunk by
/// chunk, so ‖A‖_F² = trace and ‖A‖₂² = λ_max of it (stable rank, docs/design.md §2 MNIST metrics). With the rows of W
/// (M = D) it gives WᵀW. Index over B·H·H.</summary>
public static class GramAccumulate
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> a, // [B, M, H]
        ArrayView<float> g) // [B, H, H]
    {
        int h = s.Hidden;
        int k = i % h, bj = i / h, j = bj % h, b = bj / h;
        int a0 = b * s.Samples * h;
        float sum = 0f;
        for (int m = 0; m < s.Samples; m++)
            sum += a[a0 + m * h + j] * a[a0 + m * h + k];
        g[i] += sum;
    }

    /// <summary>The same accumulation from a Tile product AᵀA (rows j, columns k, inner dimension m; grid (⌈H/128⌉,
    /// ⌈H/128⌉, B), group 16 × 16).</summary>
    public static void KernelTiled(
        BatchShape s,
        ArrayView<float> a, // [B, M, H]
        ArrayView<float> g) // [B, H, H]
    {
        var aSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        var bSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        int h = s.Hidden, b = Grid.IdxZ, j0 = Grid.IdxY * Tile.Size, k0 = Grid.IdxX * Tile.Size;
        int tx = Group.IdxX, ty = Group.IdxY, a0 = b * s.Samples * h, g0 = b * h * h;
        var acc = default(Tile8x8);
        Tile.Accumulate(a, a0, h, 0, h, a, a0, h, 0, h, s.Samples, j0, k0, a, 0, 0, aSlice, bSlice, ref acc);
        AddRow(acc.R0, s.Hidden, j0 + ty, g0, k0 + tx, g);
        AddRow(acc.R1, s.Hidden, j0 + ty + 16, g0, k0 + tx, g);
        AddRow(acc.R2, s.Hidden, j0 + ty + 32, g0, k0 + tx, g);
        AddRow(acc.R3, s.Hidden, j0 + ty + 48, g0, k0 + tx, g);
        AddRow(acc.R4, s.Hidden, j0 + ty + 64, g0, k0 + tx, g);
        AddRow(acc.R5, s.Hidden, j0 + ty + 80, g0, k0 + tx, g);
        AddRow(acc.R6, s.Hidden, j0 + ty + 96, g0, k0 + tx, g);
        AddRow(acc.R7, s.Hidden, j0 + ty + 112, g0, k0 + tx, g);
    }

    private static void AddRow(Row8 sum, int h, int j, int g0, int k0, ArrayView<float> g)
    {
        if (j >= h)
            return;
        int row = g0 + j * h;
        AddCell(sum.C0, h, row, k0, g);
        AddCell(sum.C1, h, row, k0 + 16, g);
        AddCell(sum.C2, h, row, k0 + 32, g);
        AddCell(sum.C3, h, row, k0 + 48, g);
        AddCell(sum.C4, h, row, k0 + 64, g);
        AddCell(sum.C5, h, row, k0 + 80, g);
        AddCell(sum.C6, h, row, k0 + 96, g);
        AddCell(sum.C7, h, row, k0 + 112, g);
    }

    private static void AddCell(float sum, int h, int row, int k, ArrayView<float> g)
    {
        if (k < h)
            g[row + k] += sum;
    }
}
