using ILGPU;

namespace GpuPRelu.Kernels.Network;

// Reference: tests/GpuPRelu.Tests/Reference/Network/WeightBackwardReference.cs

/// <summary>dW[b, d, j] = Σ_m u[m, d]·gz[m, j] + (1−p)/r_j²·(Σ_m t[m, j])·w[d, j]: the direct term and the term of
/// the 1/‖w_j‖^(p−1) normalization (∂a/∂r = (1−p)·a/r, ∂r/∂w = w/r; docs/design.md §1). Index over B·D·H.</summary>
public static class WeightBackward
{
    public static void Kernel(
        Index1D i,
        BatchShape s,
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> theta,  // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,      // [B]
        ArrayView<float> r,      // [B, H]
        ArrayView<float> gz,     // [B, M, H]
        ArrayView<float> t,      // [B, M, H]
        ArrayView<float> dTheta) // packed gradient, dW at 0
    {
        int h = s.Hidden;
        int j = i % h, bd = i / h, d = bd % s.Inputs, b = bd / s.Inputs;
        int u0 = b * s.Samples * s.Inputs + d, h0 = b * s.Samples * h + j;
        float direct = 0f, radial = 0f;
        for (int m = 0; m < s.Samples; m++)
        {
            direct += u[u0 + m * s.Inputs] * gz[h0 + m * h];
            radial += t[h0 + m * h];
        }
        float rj = r[b * h + j];
        dTheta[i] = rj > 0f ? direct + (1f - p[b]) / (rj * rj) * radial * theta[i] : direct;
    }

    /// <summary>The same dW from a Tile product Uᵀ·gz (rows d, columns j, inner dimension m; grid (⌈H/128⌉, ⌈D/128⌉, B),
    /// group 16 × 16); the radial sums Σ_m t[m, j] are gathered while gz streams through the same tiles.</summary>
    public static void KernelTiled(
        BatchShape s,
        ArrayView<float> u,      // [B, M, D]
        ArrayView<float> theta,  // packed parameters, W at 0: [B, D, H]
        ArrayView<float> p,      // [B]
        ArrayView<float> r,      // [B, H]
        ArrayView<float> gz,     // [B, M, H]
        ArrayView<float> t,      // [B, M, H]
        ArrayView<float> dTheta) // packed gradient, dW at 0
    {
        var aSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        var bSlice = SharedMemory.Allocate<float>(Tile.SliceLength);
        int h = s.Hidden, b = Grid.IdxZ, d0 = Grid.IdxY * Tile.Size, j0 = Grid.IdxX * Tile.Size;
        int tx = Group.IdxX, ty = Group.IdxY;
        var acc = default(Tile8x8);
        Tile.Accumulate(u, b * s.Samples * s.Inputs, s.Inputs, 0, s.Inputs, gz, b * s.Samples * h, h, 0, h,
            s.Samples, d0, j0, t, 1, 1, aSlice, bSlice, ref acc);

        // per column: (1−p)/r_j²·Σ_m t[m, j], the factor of w[d, j] in the radial term (0 where r_j = 0)
        var rj = Tile.Columns(r, b * h, 1, j0 + tx, h, 0f);
        float pb = p[b];
        Row8 radial;
        radial.C0 = Radial(pb, rj.C0, Tile.SumAt(aSlice, tx));
        radial.C1 = Radial(pb, rj.C1, Tile.SumAt(aSlice, tx + 16));
        radial.C2 = Radial(pb, rj.C2, Tile.SumAt(aSlice, tx + 32));
        radial.C3 = Radial(pb, rj.C3, Tile.SumAt(aSlice, tx + 48));
        radial.C4 = Radial(pb, rj.C4, Tile.SumAt(aSlice, tx + 64));
        radial.C5 = Radial(pb, rj.C5, Tile.SumAt(aSlice, tx + 80));
        radial.C6 = Radial(pb, rj.C6, Tile.SumAt(aSlice, tx + 96));
        radial.C7 = Radial(pb, rj.C7, Tile.SumAt(aSlice, tx + 112));
        int w0 = b * s.Inputs * h;
        StoreRow(acc.R0, radial, s, d0 + ty, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R1, radial, s, d0 + ty + 16, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R2, radial, s, d0 + ty + 32, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R3, radial, s, d0 + ty + 48, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R4, radial, s, d0 + ty + 64, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R5, radial, s, d0 + ty + 80, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R6, radial, s, d0 + ty + 96, w0, j0 + tx, theta, dTheta);
        StoreRow(acc.R7, radial, s, d0 + ty + 112, w0, j0 + tx, theta, dTheta);
    }

    private static float Radial(float p, float r, float sumT) => r > 0f ? (1f - p) / (r * r) * sumT : 0f;

    private static void StoreRow(Row8 direct, Row8 radial, BatchShape s, int d, int w0, int j0, ArrayView<float> theta,
        ArrayView<float> dTheta)
    {
        if (d >= s.Inputs)
            return;
        int row = w0 + d * s.Hidden;
        StoreCell(direct.C0, radial.C0, s.Hidden, row, j0, theta, dTheta);
        StoreCell(direct.C1, radial.C1, s.Hidden, row, j0 + 16, theta, dTheta);
        StoreCell(direct.C2, radial.C2, s.Hidden, row, j0 + 32, theta, dTheta);
        StoreCell(direct.C3, radial.C3, s.Hidden, row, j0 + 48, theta, dTheta);
        StoreCell(direct.C4, radial.C4, s.Hidden, row, j0 + 64, theta, dTheta);
        StoreCell(direct.C5, radial.C5, s.Hidden, row, j0 + 80, theta, dTheta);
        StoreCell(direct.C6, radial.C6, s.Hidden, row, j0 + 96, theta, dTheta);
        StoreCell(direct.C7, radial.C7, s.Hidden, row, j0 + 112, theta, dTheta);
    }

    private static void StoreCell(float direct, float radial, int h, int row, int j, ArrayView<float> theta, ArrayView<float> dTheta)
    {
        if (j < h)
            dTheta[row + j] = direct + radial * theta[row + j];
    }
}
