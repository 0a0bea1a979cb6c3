using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/PReluForwardReference.cs

/// <summary>Hidden layer z = ⟨w_j, u⟩ and a_j = ReLU(z)·(ReLU(z)/(r_j·q))^(p−1) (docs/design.md §1; q = ‖u‖ only with
/// normalizeInput, else 1). Index over B·M·H.</summary>
public static class PReluForward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,     // [B]
        ArrayView<float> r,     // [B, H]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> z,     // [B, M, H]
        ArrayView<float> a)     // [B, M, H]
    {
        int h = s.Hidden;
        int j = i % h, bm = i / h, b = bm / s.Samples;
        int u0 = bm * s.Inputs, w0 = b * s.Inputs * h + j;
        float zz = 0f;
        for (int d = 0; d < s.Inputs; d++)
            zz += u[u0 + d] * theta[w0 + d * h];
        z[i] = zz;
        a[i] = PReluMath.Activate(zz, r[b * h + j], q[bm], p[b], s.NormalizeInput);
    }

    /// <summary>The same z and a as Kernel from a Tile product Z = U·W (one 128 × 128 tile of one network per group,
    /// grid (⌈H/128⌉, ⌈M/128⌉, B), group 16 × 16), with the output layer fused into the epilogue: each tile leaves its
    /// share Σ_j a_j·V[j, c] over its 128 hidden units in fPart, which OutputForward.KernelFromParts adds up in a fixed
    /// order (deterministic, unlike atomics).</summary>
    public static void KernelTiled(
        BatchShape s,
        ArrayView<float> u,     // [B, M, D]
        ArrayView<float> theta, // packed parameters, W at 0: [B, D, H], V at VOffset: [B, H, C]
        ArrayView<float> p,     // [B]
        ArrayView<float> r,     // [B, H]
        ArrayView<float> q,     // [B, M]
        ArrayView<float> z,     // [B, M, H]
        ArrayView<float> a,     // [B, M, H]
        ArrayView<float> fPart) // [B, M, ⌈H/128⌉, C]
    {
        var aSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        var bSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        var parts = SharedMemory.Allocate<float>(Tile.Size * PartPitch);
        int h = s.Hidden, b = Grid.IdxZ, m0 = Grid.IdxY * Tile.Size, n0 = Grid.IdxX * Tile.Size;
        int tx = Group.IdxX, ty = Group.IdxY;
        var acc = default(Tile8x8);
        Tile.Accumulate(u, b * s.Samples * s.Inputs, s.Inputs, 1, s.Samples, theta, b * s.Inputs * h, h, 0, h,
            s.Inputs, m0, n0, u, 0, 0, aSlice, bSlice, ref acc);

        // the thread's columns j = n0 + tx + 16·e: their norms, then z → a row by row (acc keeps a for the output layer)
        var rj = Tile.Columns(r, b * h, 1, n0 + tx, h, 1f);
        float pb = p[b];
        int rowBase = b * s.Samples + m0 + ty;
        acc.R0 = ActivateRow(acc.R0, rj, s, q, pb, rowBase, m0 + ty, n0 + tx, z, a);
        acc.R1 = ActivateRow(acc.R1, rj, s, q, pb, rowBase + 16, m0 + ty + 16, n0 + tx, z, a);
        acc.R2 = ActivateRow(acc.R2, rj, s, q, pb, rowBase + 32, m0 + ty + 32, n0 + tx, z, a);
        acc.R3 = ActivateRow(acc.R3, rj, s, q, pb, rowBase + 48, m0 + ty + 48, n0 + tx, z, a);
        acc.R4 = ActivateRow(acc.R4, rj, s, q, pb, rowBase + 64, m0 + ty + 64, n0 + tx, z, a);
        acc.R5 = ActivateRow(acc.R5, rj, s, q, pb, rowBase + 80, m0 + ty + 80, n0 + tx, z, a);
        acc.R6 = ActivateRow(acc.R6, rj, s, q, pb, rowBase + 96, m0 + ty + 96, n0 + tx, z, a);
        acc.R7 = ActivateRow(acc.R7, rj, s, q, pb, rowBase + 112, m0 + ty + 112, n0 + tx, z, a);

        // output layer: per class, each thread's 8 rows · its 8 columns of V, then the 16 threads of a row add up
        int outputs = s.Outputs, tiles = Grid.DimX, tid = ty * Tile.Side + tx;
        for (int c = 0; c < outputs; c++)
        {
            var v = Tile.Columns(theta, s.VOffset + b * h * outputs + c, outputs, n0 + tx, h, 0f);
            int cell = ty * PartPitch + tx;
            parts[cell] = acc.R0.Dot(v);
            parts[cell + 16 * PartPitch] = acc.R1.Dot(v);
            parts[cell + 32 * PartPitch] = acc.R2.Dot(v);
            parts[cell + 48 * PartPitch] = acc.R3.Dot(v);
            parts[cell + 64 * PartPitch] = acc.R4.Dot(v);
            parts[cell + 80 * PartPitch] = acc.R5.Dot(v);
            parts[cell + 96 * PartPitch] = acc.R6.Dot(v);
            parts[cell + 112 * PartPitch] = acc.R7.Dot(v);
            Group.Barrier();
            if (tid < Tile.Size && m0 + tid < s.Samples)
            {
                float sum = 0f;
                for (int t = 0; t < Tile.Side; t++)
                    sum += parts[tid * PartPitch + t];
                fPart[((b * s.Samples + m0 + tid) * tiles + Grid.IdxX) * outputs + c] = sum;
            }
            Group.Barrier();
        }
    }

    // 16 partial sums per row, padded to 17 so a warp's writes (rows ty, ty + 1) and the row sums hit distinct banks
    private const int PartPitch = Tile.Side + 1;

    // z and a of one tile row bm (the thread's eight columns); rows past M are zero and stay unwritten
    private static Row8 ActivateRow(Row8 zr, Row8 rj, BatchShape s, ArrayView<float> q, float pb, int bm, int m, int j0,
        ArrayView<float> z, ArrayView<float> a)
    {
        if (m >= s.Samples)
            return default;
        float qm = q[bm];
        int row = bm * s.Hidden;
        Row8 ar;
        ar.C0 = Cell(zr.C0, rj.C0, qm, pb, s, row, j0, z, a);
        ar.C1 = Cell(zr.C1, rj.C1, qm, pb, s, row, j0 + 16, z, a);
        ar.C2 = Cell(zr.C2, rj.C2, qm, pb, s, row, j0 + 32, z, a);
        ar.C3 = Cell(zr.C3, rj.C3, qm, pb, s, row, j0 + 48, z, a);
        ar.C4 = Cell(zr.C4, rj.C4, qm, pb, s, row, j0 + 64, z, a);
        ar.C5 = Cell(zr.C5, rj.C5, qm, pb, s, row, j0 + 80, z, a);
        ar.C6 = Cell(zr.C6, rj.C6, qm, pb, s, row, j0 + 96, z, a);
        ar.C7 = Cell(zr.C7, rj.C7, qm, pb, s, row, j0 + 112, z, a);
        return ar;
    }

    // not inlined: 64 copies of the activation (XMath.Pow for fractional p) made the kernel's PTX 0.77 MB
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Cell(float zz, float rj, float qm, float pb, BatchShape s, int row, int j, ArrayView<float> z, ArrayView<float> a)
    {
        float av = PReluMath.Activate(zz, rj, qm, pb, s.NormalizeInput);
        if (j < s.Hidden)
        {
            z[row + j] = zz;
            a[row + j] = av;
        }
        return av;
    }
}
