using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/InputBackwardReference.cs

/// <summary>Gradient with respect to the centered input (for attacks): dU[b, m, d] = Σ_j gz[m, j]·W[d, j], plus with
/// normalizeInput the term (1−p)/q²·(Σ_j t[m, j])·u[m, d] of the 1/‖u‖^(p−1) factor (docs/design.md §1). Index over B·M·D.</summary>
public static class InputBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,     // [B]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> gz,    // [B, M, H]
        ArrayView<float> t,     // [B, M, H]
        ArrayView<float> du)    // [B, M, D]
    {
        int h = s.Hidden;
        int d = i % s.Inputs, bm = i / s.Inputs, b = bm / s.Samples;
        int w0 = (b * s.Inputs + d) * h, h0 = bm * h;
        float direct = 0f, radial = 0f;
        for (int j = 0; j < h; j++)
        {
            direct += gz[h0 + j] * theta[w0 + j];
            radial += t[h0 + j];
        }
        float qm = q[bm];
        du[i] = s.NormalizeInput != 0 && qm > 0f ? direct + (1f - p[b]) / (qm * qm) * radial * u[i] : direct;
    }

    /// <summary>The same dU from a Tile product gz·Wᵀ (rows m, columns d, inner dimension j; grid (⌈D/128⌉, ⌈M/128⌉, B),
    /// group 16 × 16); with normalizeInput the row sums Σ_j t[m, j] are gathered while gz streams through the tiles.</summary>
    public static void KernelTiled(
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,     // [B]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> gz,    // [B, M, H]
        ArrayView<float> t,     // [B, M, H]
        ArrayView<float> du)    // [B, M, D]
    {
        var aSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        var bSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        int h = s.Hidden, b = Grid.IdxZ, m0 = Grid.IdxY * Tile.Size, d0 = Grid.IdxX * Tile.Size;
        int tx = Group.IdxX, ty = Group.IdxY;
        var acc = default(Tile8x8);
        Tile.Accumulate(gz, b * s.Samples * h, h, 1, s.Samples, theta, b * s.Inputs * h, h, 1, s.Inputs,
            h, m0, d0, t, s.NormalizeInput, 0, aSlice, bSlice, ref acc);

        float pb = p[b];
        int bm = b * s.Samples + m0 + ty;
        StoreRow(acc.R0, s, pb, q, m0 + ty, bm, d0 + tx, Tile.SumAt(aSlice, ty), u, du);
        StoreRow(acc.R1, s, pb, q, m0 + ty + 16, bm + 16, d0 + tx, Tile.SumAt(aSlice, ty + 16), u, du);
        StoreRow(acc.R2, s, pb, q, m0 + ty + 32, bm + 32, d0 + tx, Tile.SumAt(aSlice, ty + 32), u, du);
        StoreRow(acc.R3, s, pb, q, m0 + ty + 48, bm + 48, d0 + tx, Tile.SumAt(aSlice, ty + 48), u, du);
        StoreRow(acc.R4, s, pb, q, m0 + ty + 64, bm + 64, d0 + tx, Tile.SumAt(aSlice, ty + 64), u, du);
        StoreRow(acc.R5, s, pb, q, m0 + ty + 80, bm + 80, d0 + tx, Tile.SumAt(aSlice, ty + 80), u, du);
        StoreRow(acc.R6, s, pb, q, m0 + ty + 96, bm + 96, d0 + tx, Tile.SumAt(aSlice, ty + 96), u, du);
        StoreRow(acc.R7, s, pb, q, m0 + ty + 112, bm + 112, d0 + tx, Tile.SumAt(aSlice, ty + 112), u, du);
    }

    // one tile row: the direct term, plus with normalizeInput (1−p)/q²·Σ_j t[m, j]·u[m, d]
    private static void StoreRow(Row8 direct, BatchShape s, float p, ArrayView<float> q, int m, int bm, int d0, float sumT,
        ArrayView<float> u, ArrayView<float> du)
    {
        if (m >= s.Samples)
            return;
        float qm = q[bm];
        float radial = s.NormalizeInput != 0 && qm > 0f ? (1f - p) / (qm * qm) * sumT : 0f;
        int row = bm * s.Inputs;
        StoreCell(direct.C0, radial, s.Inputs, row, d0, u, du);
        StoreCell(direct.C1, radial, s.Inputs, row, d0 + 16, u, du);
        StoreCell(direct.C2, radial, s.Inputs, row, d0 + 32, u, du);
        StoreCell(direct.C3, radial, s.Inputs, row, d0 + 48, u, du);
        StoreCell(direct.C4, radial, s.Inputs, row, d0 + 64, u, du);
        StoreCell(direct.C5, radial, s.Inputs, row, d0 + 80, u, du);
        StoreCell(direct.C6, radial, s.Inputs, row, d0 + 96, u, du);
        StoreCell(direct.C7, radial, s.Inputs, row, d0 + 112, u, du);
    }

    private static void StoreCell(float direct, float radial, int n, int row, int d, ArrayView<float> u, ArrayView<float> du)
    {
        if (d < n)
            du[row + d] = direct + radial * u[row + d];
    }
}
