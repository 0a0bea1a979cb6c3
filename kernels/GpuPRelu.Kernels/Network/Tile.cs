using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuPRelu.Kernels.Network;

/// <summary>The shared main loop of the tiled batched products (PReluForward, WeightBackward and InputBackward
/// .KernelTiled): one group of 16 × 16 threads computes a 128 × 128 tile of C = A·B for one network, A and B staged
/// through shared memory in slices of 8 along the inner dimension, each thread accumulating an 8 × 8 register tile.
/// Thread (tx, ty) owns rows ty + 16·r and columns tx + 16·e (r, e = 0..7), so a warp's shared reads hit 16
/// consecutive banks. An operand is either "k-contiguous" (element (x, k) at offset + x·ld + k) or "x-contiguous"
/// (at offset + k·ld + x); both are staged as slice[k·Pitch + x].</summary>
public static class Tile
{
    public const int Side = 16;
    public const int Size = 128;
    public const int Depth = 8;
    // +4 keeps the k-contiguous loads' shared stores on distinct banks (k·132 + x mod 32 = 4k + x)
    public const int Pitch = Size + 4;
    public const int SliceLength = Depth * Pitch;

    /// <summary>Runs the whole inner dimension into acc. With sum = 1, also sums the matrix `extra` (same layout as B
    /// when sumOfB = 1, else as A) over the inner dimension, per row/column of the tile: the result is left in
    /// aSlice[slot·Pitch + x], slots 0..7, to be added by the epilogue (see SumAt).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(
        ArrayView<float> a, int aOffset, int aLd, int aKContiguous, int rows,
        ArrayView<float> b, int bOffset, int bLd, int bKContiguous, int cols,
        int depth, int m0, int n0,
        ArrayView<float> extra, int sum, int sumOfB,
        ArrayView<float> aSlice, ArrayView<float> bSlice,
        ref Tile8x8 acc)
    {
        int tx = Group.IdxX, ty = Group.IdxY, tid = ty * Side + tx;
        var pa = Fetch(a, aOffset, aLd, aKContiguous, m0, rows, 0, depth, tid);
        var pb = Fetch(b, bOffset, bLd, bKContiguous, n0, cols, 0, depth, tid);
        var extraSum = default(Slice4);
        for (int k0 = 0; k0 < depth; k0 += Depth)
        {
            if (sum != 0)
            {
                extraSum.Add(sumOfB != 0
                    ? Fetch(extra, bOffset, bLd, bKContiguous, n0, cols, k0, depth, tid)
                    : Fetch(extra, aOffset, aLd, aKContiguous, m0, rows, k0, depth, tid));
            }
            Group.Barrier();
            Put(aSlice, aKContiguous, tid, pa);
            Put(bSlice, bKContiguous, tid, pb);
            Group.Barrier();
            // the next slice's global loads are in flight while this one is multiplied
            if (k0 + Depth < depth)
            {
                pa = Fetch(a, aOffset, aLd, aKContiguous, m0, rows, k0 + Depth, depth, tid);
                pb = Fetch(b, bOffset, bLd, bKContiguous, n0, cols, k0 + Depth, depth, tid);
            }
            for (int k = 0; k < Depth; k++)
                acc.Step(aSlice.SubView(k * Pitch + ty, Size - Side + 1), bSlice.SubView(k * Pitch + tx, Size - Side + 1));
        }
        Group.Barrier();
        if (sum != 0)
            Put(aSlice, sumOfB != 0 ? bKContiguous : aKContiguous, tid, extraSum);
        Group.Barrier();
    }

    /// <summary>The inner-dimension sum of `extra` for tile row/column x, after Accumulate with sum = 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAt(ArrayView<float> aSlice, int x)
    {
        float s = 0f;
        for (int slot = 0; slot < Depth; slot++)
            s += aSlice[slot * Pitch + x];
        return s;
    }

    /// <summary>x[offset + j·stride] for a thread's eight tile columns (or rows) j = j0 + 16·e, `outside` beyond n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row8 Columns(ArrayView<float> x, int offset, int stride, int j0, int n, float outside)
    {
        Row8 v;
        v.C0 = j0 < n ? x[offset + j0 * stride] : outside;
        v.C1 = j0 + 16 < n ? x[offset + (j0 + 16) * stride] : outside;
        v.C2 = j0 + 32 < n ? x[offset + (j0 + 32) * stride] : outside;
        v.C3 = j0 + 48 < n ? x[offset + (j0 + 48) * stride] : outside;
        v.C4 = j0 + 64 < n ? x[offset + (j0 + 64) * stride] : outside;
        v.C5 = j0 + 80 < n ? x[offset + (j0 + 80) * stride] : outside;
        v.C6 = j0 + 96 < n ? x[offset + (j0 + 96) * stride] : outside;
        v.C7 = j0 + 112 < n ? x[offset + (j0 + 112) * stride] : outside;
        return v;
    }

    // Four elements per thread of the Depth × Size slice starting at (x0, k0); zero outside [0, xLimit) × [0, depth).
    // k-contiguous: k = tid % 8 and x = tid / 8 + 32·i (a warp reads 4 runs of 8 floats); x-contiguous: x = tid % 128
    // and k = tid / 128 + 2·i (a warp reads 32 consecutive floats).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Slice4 Fetch(ArrayView<float> src, int offset, int ld, int kContiguous, int x0, int xLimit, int k0, int depth, int tid)
    {
        Slice4 v;
        if (kContiguous != 0)
        {
            int k = k0 + (tid & (Depth - 1)), x = x0 + (tid >> 3);
            v.V0 = Load(src, offset, ld, 1, x, xLimit, k, depth);
            v.V1 = Load(src, offset, ld, 1, x + 32, xLimit, k, depth);
            v.V2 = Load(src, offset, ld, 1, x + 64, xLimit, k, depth);
            v.V3 = Load(src, offset, ld, 1, x + 96, xLimit, k, depth);
        }
        else
        {
            int x = x0 + (tid & (Size - 1)), k = k0 + (tid >> 7);
            v.V0 = Load(src, offset, 1, ld, x, xLimit, k, depth);
            v.V1 = Load(src, offset, 1, ld, x, xLimit, k + 2, depth);
            v.V2 = Load(src, offset, 1, ld, x, xLimit, k + 4, depth);
            v.V3 = Load(src, offset, 1, ld, x, xLimit, k + 6, depth);
        }
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Load(ArrayView<float> src, int offset, int xStride, int kStride, int x, int xLimit, int k, int depth) =>
        x < xLimit && k < depth ? src[offset + x * xStride + k * kStride] : 0f;

    // the same mapping as Fetch, into slice[k·Pitch + x]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ArrayView<float> slice, int kContiguous, int tid, Slice4 v)
    {
        if (kContiguous != 0)
        {
            int i = (tid & (Depth - 1)) * Pitch + (tid >> 3);
            slice[i] = v.V0;
            slice[i + 32] = v.V1;
            slice[i + 64] = v.V2;
            slice[i + 96] = v.V3;
        }
        else
        {
            int i = (tid >> 7) * Pitch + (tid & (Size - 1));
            slice[i] = v.V0;
            slice[i + 2 * Pitch] = v.V1;
            slice[i + 4 * Pitch] = v.V2;
            slice[i + 6 * Pitch] = v.V3;
        }
    }
}
