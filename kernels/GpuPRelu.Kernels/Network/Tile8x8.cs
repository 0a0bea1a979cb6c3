using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuPRelu.Kernels.Network;

/// <summary>One thread's 8 × 8 accumulators of a Tile: row r holds tile rows ty + 16·r, column e tile columns
/// tx + 16·e. Scalar fields, unrolled by hand: ILGPU 1.5.3 does not unroll loops, and an indexed array would live in
/// local memory instead of registers.</summary>
[SuppressMessage("Design", "CA1051", Justification = "a register tile: mutable fields that ILGPU keeps in registers")]
public struct Tile8x8
{
    public Row8 R0;
    public Row8 R1;
    public Row8 R2;
    public Row8 R3;
    public Row8 R4;
    public Row8 R5;
    public Row8 R6;
    public Row8 R7;

    /// <summary>acc += A[:, k]·B[k, :] for one k of the staged slices, given as views starting at the thread's first
    /// row (k·Pitch + ty) and column (k·Pitch + tx): constant offsets become the shared loads' immediate offsets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(ArrayView<float> aK, ArrayView<float> bK)
    {
        Row8 b;
        b.C0 = bK[0];
        b.C1 = bK[16];
        b.C2 = bK[32];
        b.C3 = bK[48];
        b.C4 = bK[64];
        b.C5 = bK[80];
        b.C6 = bK[96];
        b.C7 = bK[112];
        R0.Fma(aK[0], b);
        R1.Fma(aK[16], b);
        R2.Fma(aK[32], b);
        R3.Fma(aK[48], b);
        R4.Fma(aK[64], b);
        R5.Fma(aK[80], b);
        R6.Fma(aK[96], b);
        R7.Fma(aK[112], b);
    }
}
