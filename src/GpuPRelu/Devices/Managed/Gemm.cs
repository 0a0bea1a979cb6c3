using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuPRelu.Devices.Managed;

/// <summary>A strided matrix view: element (i, k) = P[i·Rs + k·Cs]. Lets one product serve z = U·W, dW = Uᵀ·G_z and
/// dU = G_z·Wᵀ without transposing anything in memory.</summary>
internal readonly unsafe struct Strided(float* p, long rs, long cs)
{
    public readonly float* P = p;
    public readonly long Rs = rs, Cs = cs;
}

/// <summary>Work done on each finished C tile (≤ 6 rows × ≤ 16 columns, final values in place, still in L1): the
/// activation of z, the radial term of dW or dU. Struct implementations are inlined per product by the JIT.</summary>
internal unsafe interface ITileEpilogue
{
    void Apply(float* c, long ldc, int row, int rows, int col, int cols);
}

/// <summary>The blocked matrix product of the managed CPU path, C = A·B (BLIS loop order, sized for a 32 KiB L1 and
/// 512 KiB L2): a KC × NC block of B is packed into column panels (L2-resident) and swept by every 6-row micro-panel of
/// A (L1-resident) in a register micro-kernel of 12 accumulators: 6 × 16 with Vector256, or 6 × 32 with Vector512
/// where the CPU runs 512-bit FMAs at full width (Wide). A is packed only where its rows are not contiguous (dW: Uᵀ).
/// The epilogue runs on each tile after its last KC block. Both widths compute every element of C with the same
/// sequence of FMAs (k in order within a KC block, blocks added in order), so their results are bit-identical.</summary>
internal static unsafe class Gemm
{
    public const int Rows = 6;
    public const int NarrowPanel = 2 * Simd.Width;
    public const int WidePanel = 4 * Simd.Width;
    public const int KC = 256; // a 6-row A micro-panel ≤ 6 KiB: L1
    public const int MC = 72; // rows of A per chunk (packed: ≤ 72 KiB, L2)
    public const int BlockFloats = 1 << 16; // packed B block KC × NC ≤ 256 KiB: half the L2

    /// <summary>True where the 6 × 32 Vector512 micro-kernel pays: AVX-512 is accelerated and a 512-bit FMA chain
    /// measures ≥ 1.3× a 256-bit one on this CPU (full-width units; Zen 4 splits 512-bit FMAs and keeps Vector256).</summary>
    public static readonly bool WidePays = Vector512.IsHardwareAccelerated && WideFmaPays();

    /// <summary>Whether the managed path runs 512-bit (WidePays unless switched off). Results are the same bits either
    /// way; tests switch it to compare the two.</summary>
    internal static bool Wide { get; set; } = WidePays;

    /// <summary>Columns per panel (and tile) of the micro-kernel in use.</summary>
    public static int Panel => Wide ? WidePanel : NarrowPanel;

    [ThreadStatic]
    private static float[]? _buffer;

    /// <summary>C[0..rows, col0..col1) = A[rows × k]·B[k × ·] (col0 a multiple of 16), then the epilogue on every tile.
    /// Loop order: KC block of the inner dimension → NC block of columns (B packed once, L2) → MC rows of A (packed where
    /// strided, L2) → one panel of B (L1) → its 6-row tiles. With c null (k ≤ KC only) no C is stored: each finished tile
    /// is handed to the epilogue in a scratch tile (the update of W in a training step consumes dW that way).</summary>
    [SkipLocalsInit]
    public static void Run<TE>(Strided a, Strided b, float* c, long ldc, int rows, int k, int col0, int col1, ref TE epilogue)
        where TE : struct, ITileEpilogue => Run(a, b, c, ldc, rows, k, col0, col1, ref epilogue, Wide);

    /// <summary>Run with the micro-kernel chosen by the caller (tests compare both widths bit for bit).</summary>
    [SkipLocalsInit]
    internal static void Run<TE>(Strided a, Strided b, float* c, long ldc, int rows, int k, int col0, int col1, ref TE epilogue,
        bool wide) where TE : struct, ITileEpilogue
    {
        if (c == null && k > KC)
            throw new ArgumentException($"a product of inner dimension {k} > {KC} needs a C to accumulate in", nameof(c));
        if (wide && !Vector512.IsHardwareAccelerated)
            throw new PlatformNotSupportedException("the 6 × 32 micro-kernel needs hardware-accelerated Vector512");
        int panel = wide ? WidePanel : NarrowPanel;
        // per thread, reused across calls: the packed B block, the packed A rows of one MC chunk, one scratch tile; 64-byte
        // aligned
        const int chunkFloats = MC * KC, tileFloats = Rows * WidePanel;
        var buffer = _buffer ??= GC.AllocateUninitializedArray<float>(BlockFloats + chunkFloats + tileFloats + 16, pinned: true);
        fixed (float* raw = buffer)
        {
            float* bp = (float*)(((nint)raw + 63) & ~(nint)63), ap = bp + BlockFloats, tile = ap + chunkFloats;
            int width = col1 - col0;
            // A read along its columns (dW: Uᵀ) is packed where that pays: a long inner dimension or many panels to read
            // it; a training step's ≤ 128 rows over ≤ 16 panels (H ≤ 512) read it where it lies, 6 neighbouring floats of
            // one row per k (measured: packing cost 15 % of dW = Uᵀ·G_z at 100 × 200 × 400 and saved 4–18 % beyond)
            bool packA = a.Rs == 1 && a.Cs != 1 && (k > 128 || width > 16 * panel);
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                bool first = k0 == 0, last = k0 + kc == k;
                int block = BlockFloats / (kc * panel) * panel;
                for (int n0 = col0; n0 < col1; n0 += block)
                {
                    int nc = Math.Min(block, col1 - n0);
                    for (int p = 0; p < nc; p += panel)
                    {
                        if (!InPlace(b, Math.Min(panel, nc - p), panel))
                            PackB(b.P + k0 * b.Rs + (n0 + p) * b.Cs, b.Rs, b.Cs, kc, Math.Min(panel, nc - p), panel, bp + p * kc);
                    }
                    for (int i0 = 0; i0 < rows; i0 += MC)
                    {
                        int mc = Math.Min(MC, rows - i0);
                        if (packA)
                            PackA(a.P + i0 + k0 * a.Cs, a.Cs, mc, kc, ap);
                        // each panel of B (≤ kc × 32 floats) stays in L1 while the chunk's 6-row micro-panels of A pass it
                        for (int p = 0; p < nc; p += panel)
                        {
                            int w = Math.Min(panel, nc - p);
                            bool inPlace = InPlace(b, w, panel);
                            float* bt = inPlace ? b.P + k0 * b.Rs + n0 + p : bp + p * kc;
                            long ldb = inPlace ? b.Rs : panel;
                            for (int i = i0; i < i0 + mc; i += Rows)
                            {
                                int r = Math.Min(Rows, i0 + mc - i);
                                var ab = packA ? new Strided(ap + (i - i0) * kc, 1, Rows) : new Strided(a.P + i * a.Rs + k0 * a.Cs, a.Rs, a.Cs);
                                // C null: each tile goes only to the epilogue, in the scratch tile (one KC block)
                                float* ct = c == null ? tile : c + i * ldc + n0 + p;
                                long ldct = c == null ? panel : ldc;
                                Tile(ab, r, kc, bt, ldb, ct, ldct, w, panel, !first, tile);
                                if (last)
                                    epilogue.Apply(ct, ldct, i, r, n0 + p, w);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Whether a panel of B `w` columns wide is read where it lies (its rows Rs apart) instead of packed: B's rows
    /// are contiguous and the micro-kernel reads no column past w (a whole panel, or a wide panel's 16-column rest). For
    /// the few rows of a training batch or a distance chunk, packing W again at every call cost as much as a fifth of
    /// the product; only a ragged last panel (H 500 = 15·32 + 20) is packed, zero past its columns.</summary>
    private static bool InPlace(Strided b, int w, int panel) => b.Cs == 1 && (w == panel || (panel == WidePanel && w == NarrowPanel));

    /// <summary>One tile (B's rows ldb floats apart): full 6 × panel tiles go straight to C, ragged ones through the
    /// scratch tile; a wide panel's rest of ≤ 16 columns runs the 16-column kernel, which reads no column of B past 16.</summary>
    private static void Tile(Strided a, int rows, int k, float* b, long ldb, float* c, long ldc, int cols, int panel, bool accumulate,
        float* tile)
    {
        if (rows == Rows && cols == panel)
        {
            Kernel(a, rows, k, b, ldb, c, ldc, panel, accumulate);
            return;
        }
        // a wide panel's rest of ≤ 16 columns (H 400 = 12·32 + 16; D 200 = 6·32 + 8) runs the 16-column kernel, which reads
        // 16 columns of B (packed: zero past the rest) instead of computing 32 into the scratch tile
        bool rest = panel == WidePanel && cols <= NarrowPanel;
        if (rows == Rows && cols == NarrowPanel)
        {
            // a wide panel's 16-column rest (H 400 = 12·32 + 16): the 16-column kernel on the panel's first half, in place
            Kernel512Rest(a, rows, k, b, c, ldc, ldb, accumulate);
            return;
        }
        if (accumulate)
            CopyRows(c, ldc, tile, panel, rows, cols);
        if (rest)
            Kernel512Rest(a, rows, k, b, tile, panel, ldb, accumulate);
        else
            Kernel(a, rows, k, b, ldb, tile, panel, panel, accumulate);
        CopyRows(tile, panel, c, ldc, rows, cols);
    }

    private static void Kernel(Strided a, int rows, int k, float* b, long ldb, float* c, long ldc, int panel, bool accumulate)
    {
        if (panel == WidePanel)
            Kernel512(a, rows, k, b, c, ldc, ldb, accumulate);
        else
            Kernel256(a, rows, k, b, c, ldc, ldb, accumulate);
    }

    /// <summary>dst[i, 0..cols) = src[i, 0..cols) for `rows` rows (8 floats at a time, then the rest).</summary>
    private static void CopyRows(float* src, long lds, float* dst, long ldd, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            float* s = src + i * lds, d = dst + i * ldd;
            int j = 0;
            for (; j + Simd.Width <= cols; j += Simd.Width)
                Vector256.Load(s + j).Store(d + j);
            for (; j < cols; j++)
                d[j] = s[j];
        }
    }

    /// <summary>A[i0.., k0..] (rows contiguous along i: a[i + k·cs]) as [blocks of 6][kc][6], zero past the rows.</summary>
    private static void PackA(float* a, long cs, int rows, int k, float* packed)
    {
        for (int i = 0; i < rows; i += Rows)
        {
            int r = Math.Min(Rows, rows - i);
            float* o = packed + i * k;
            if (r == Rows)
            {
                // 4 + 2 floats per k: a Vector256 could read past the end of A
                for (int kk = 0; kk < k; kk++, o += Rows)
                {
                    float* src = a + i + kk * cs;
                    Vector128.Load(src).Store(o);
                    o[4] = src[4];
                    o[5] = src[5];
                }
                continue;
            }
            for (int kk = 0; kk < k; kk++, o += Rows)
            {
                float* src = a + i + kk * cs;
                for (int ii = 0; ii < r; ii++)
                    o[ii] = src[ii];
                for (int ii = r; ii < Rows; ii++)
                    o[ii] = 0f;
            }
        }
    }

    /// <summary>B[k0.., n0..n0+panel) as [kc][panel], zero past the columns: contiguous rows copy as vectors; B read along
    /// its columns (dU = G_z·Wᵀ: B(j, d) = W[d·H + j]) goes through 8 × 8 register transposes where AVX is there, as a
    /// strided gather costs about half of that product's micro-kernel time. Data movement only: the same packed bits.</summary>
    private static void PackB(float* b, long rs, long cs, int k, int cols, int panel, float* packed)
    {
        if (cs == 1)
        {
            for (int kk = 0; kk < k; kk++)
            {
                float* src = b + kk * rs, dst = packed + kk * panel;
                int j = 0;
                for (; j + Simd.Width <= cols; j += Simd.Width)
                    Vector256.Load(src + j).Store(dst + j);
                for (; j < cols; j++)
                    dst[j] = src[j];
                for (; j < panel; j++)
                    dst[j] = 0f;
            }
            return;
        }
        int done = 0, kDone = 0;
        if (rs == 1 && Avx.IsSupported)
        {
            kDone = k / 8 * 8;
            done = cols / 8 * 8;
            for (int k0 = 0; k0 < kDone; k0 += 8)
            {
                for (int j0 = 0; j0 < done; j0 += 8)
                    Transpose8(b + k0 + j0 * cs, cs, packed + k0 * panel + j0, panel);
            }
        }
        for (int kk = 0; kk < k; kk++)
        {
            // what the transposes left: the columns past the last 8 on every row, every column on rows past the last 8
            for (int j = kk < kDone ? done : 0; j < cols; j++)
                packed[kk * panel + j] = b[kk * rs + j * cs];
            for (int j = cols; j < panel; j++)
                packed[kk * panel + j] = 0f;
        }
    }

    /// <summary>dst[s·ldd + t] = src[t·lds + s] for s, t &lt; 8: eight contiguous runs of a column-major block become eight
    /// rows (unpack pairs, shuffle quads, swap 128-bit halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* src, long lds, float* dst, long ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>A wide panel's rest of ≤ 16 columns (H 400 = 12·32 + 16; D 200 = 6·32 + 8): the 6 × 16 block of Kernel256
    /// with one Vector512 accumulator per row, done in about two thirds of Kernel256's time (six chains of full-width
    /// FMAs instead of twelve half-width ones); the same FMAs per element, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512Rest(Strided a, int rows, int k, float* b, float* c, long ldc, long ldb, bool accumulate)
    {
        long rs = a.Rs, cs = a.Cs;
        float* a0 = a.P, a1 = rows > 1 ? a0 + rs : a0, a2 = rows > 2 ? a0 + 2 * rs : a0;
        float* a3 = rows > 3 ? a0 + 3 * rs : a0, a4 = rows > 4 ? a0 + 4 * rs : a0, a5 = rows > 5 ? a0 + 5 * rs : a0;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        long off = 0;
        for (int kk = 0; kk < k; kk++, off += cs, b += ldb)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[off]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[off]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[off]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[off]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[off]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[off]), b0, c5);
        }
        PutRow(c0, c, accumulate);
        PutRow(c1, c + ldc, accumulate);
        PutRow(c2, c + 2 * ldc, accumulate);
        PutRow(c3, c + 3 * ldc, accumulate);
        PutRow(c4, c + 4 * ldc, accumulate);
        PutRow(c5, c + 5 * ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutRow(Vector512<float> v, float* c, bool accumulate)
    {
        if (accumulate)
            v += Vector512.Load(c);
        v.Store(c);
    }

    /// <summary>The 6 × 16 register block: C (+)= Σ_kk A(i, kk)·B[kk][0..16) for 6 rows (rows past `rows` repeat row 0;
    /// the caller stores them to scratch); B's rows are `ldb` floats apart (16, or 32 for a wide panel's first half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(Strided a, int rows, int k, float* b, float* c, long ldc, long ldb, bool accumulate)
    {
        long rs = a.Rs, cs = a.Cs;
        float* a0 = a.P, a1 = rows > 1 ? a0 + rs : a0, a2 = rows > 2 ? a0 + 2 * rs : a0;
        float* a3 = rows > 3 ? a0 + 3 * rs : a0, a4 = rows > 4 ? a0 + 4 * rs : a0, a5 = rows > 5 ? a0 + 5 * rs : a0;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long off = 0;
        for (int kk = 0; kk < k; kk++, off += cs, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + Simd.Width);
            var x = Vector256.Create(a0[off]);
            c00 = Simd.Fma(x, b0, c00);
            c01 = Simd.Fma(x, b1, c01);
            x = Vector256.Create(a1[off]);
            c10 = Simd.Fma(x, b0, c10);
            c11 = Simd.Fma(x, b1, c11);
            x = Vector256.Create(a2[off]);
            c20 = Simd.Fma(x, b0, c20);
            c21 = Simd.Fma(x, b1, c21);
            x = Vector256.Create(a3[off]);
            c30 = Simd.Fma(x, b0, c30);
            c31 = Simd.Fma(x, b1, c31);
            x = Vector256.Create(a4[off]);
            c40 = Simd.Fma(x, b0, c40);
            c41 = Simd.Fma(x, b1, c41);
            x = Vector256.Create(a5[off]);
            c50 = Simd.Fma(x, b0, c50);
            c51 = Simd.Fma(x, b1, c51);
        }
        Put(c00, c01, c, accumulate);
        Put(c10, c11, c + ldc, accumulate);
        Put(c20, c21, c + 2 * ldc, accumulate);
        Put(c30, c31, c + 3 * ldc, accumulate);
        Put(c40, c41, c + 4 * ldc, accumulate);
        Put(c50, c51, c + 5 * ldc, accumulate);
    }

    /// <summary>One 16-float row of a tile: stored, or added to what C holds (a later KC block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector256<float> lo, Vector256<float> hi, float* c, bool accumulate)
    {
        if (accumulate)
        {
            lo += Vector256.Load(c);
            hi += Vector256.Load(c + Simd.Width);
        }
        lo.Store(c);
        hi.Store(c + Simd.Width);
    }

    /// <summary>The 6 × 32 register block of Kernel256 on Vector512: the same 12 accumulators, each twice as wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(Strided a, int rows, int k, float* b, float* c, long ldc, long ldb, bool accumulate)
    {
        const int half = 2 * Simd.Width;
        long rs = a.Rs, cs = a.Cs;
        float* a0 = a.P, a1 = rows > 1 ? a0 + rs : a0, a2 = rows > 2 ? a0 + 2 * rs : a0;
        float* a3 = rows > 3 ? a0 + 3 * rs : a0, a4 = rows > 4 ? a0 + 4 * rs : a0, a5 = rows > 5 ? a0 + 5 * rs : a0;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long off = 0;
        for (int kk = 0; kk < k; kk++, off += cs, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + half);
            var x = Vector512.Create(a0[off]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[off]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[off]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[off]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[off]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[off]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }
        Put(c00, c01, c, accumulate);
        Put(c10, c11, c + ldc, accumulate);
        Put(c20, c21, c + 2 * ldc, accumulate);
        Put(c30, c31, c + 3 * ldc, accumulate);
        Put(c40, c41, c + 4 * ldc, accumulate);
        Put(c50, c51, c + 5 * ldc, accumulate);
    }

    /// <summary>One 32-float row of a wide tile: stored, or added to what C holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector512<float> lo, Vector512<float> hi, float* c, bool accumulate)
    {
        const int half = 2 * Simd.Width;
        if (accumulate)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + half);
        }
        lo.Store(c);
        hi.Store(c + half);
    }

    /// <summary>One core, a few milliseconds: does a 512-bit FMA chain run ≥ 1.3× as many flops as a 256-bit one?</summary>
    private static bool WideFmaPays()
    {
        double narrow = 0, wide = 0;
        for (int round = 0; round < 3; round++)
        {
            narrow = Math.Max(narrow, PeakProbe.SingleCoreGflops(256, 400_000));
            wide = Math.Max(wide, PeakProbe.SingleCoreGflops(512, 400_000));
        }
        return wide >= 1.3 * narrow;
    }

    /// <summary>Runs `run(b, col0, col1)` for every network b over column chunks (multiples of 16) so that there are at
    /// least 4 tasks per core; tasks write disjoint column ranges of their network's C, so they share no cache lines
    /// except at chunk edges that are 64-byte multiples.</summary>
    public static void Batched(int networks, int cols, Action<int, int, int> run)
    {
        int panels = (cols + Panel - 1) / Panel;
        int wanted = 4 * Environment.ProcessorCount;
        int chunks = Math.Min(panels, Math.Max(1, (wanted + networks - 1) / networks));
        int perChunk = (panels + chunks - 1) / chunks * Panel;
        chunks = (cols + perChunk - 1) / perChunk;
        Parallel.For(0, networks * chunks, t =>
        {
            int b = t / chunks, col0 = t % chunks * perChunk;
            run(b, col0, Math.Min(cols, col0 + perChunk));
        });
    }
}
