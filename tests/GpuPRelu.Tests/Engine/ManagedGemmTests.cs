using System.Runtime.Intrinsics;
using GpuPRelu.Devices.Managed;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Kernels.Analysis;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The managed path's blocked product C = A·B at both micro-kernel widths: against a float64 reference, with
/// an epilogue that must run exactly once per element after the last KC block; and the 6 × 32 Vector512 kernel bit for
/// bit equal to the 6 × 16 Vector256 one (the same FMAs per element), so results do not depend on the CPU.</summary>
public sealed class ManagedGemmTests
{
    // rows × k × cols: full tiles, ragged rows and columns on both panel widths, k across the KC = 256 block, and a
    // wide panel's 16-column rest (48, 80 = n·32 + 16: the narrow kernel in place on the panel's first half)
    public static TheoryData<int, int, int, bool, bool> Cases => new()
    {
        { 6, 16, 32, false, false }, { 13, 300, 70, false, false }, { 13, 300, 70, true, false },
        { 13, 300, 70, false, true }, { 1, 5, 33, true, true }, { 25, 257, 96, true, false },
        { 12, 40, 48, false, false }, { 12, 270, 80, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NarrowMatchesReference(int rows, int k, int cols, bool transposeA, bool transposeB)
    {
        var (a, b) = Operands(rows, k, cols);
        Close.Assert(Reference(a, b, rows, k, cols), Product(a, b, rows, k, cols, transposeA, transposeB, wide: false),
            atol: 2 * 300 * 6e-8, rtol: 0, what: "2·A·B"); // |error| ≤ 2·k·ε: sums of k ≤ 300 float32 products ≤ 1
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WideEqualsNarrowBitForBit(int rows, int k, int cols, bool transposeA, bool transposeB)
    {
        Assert.SkipUnless(Vector512.IsHardwareAccelerated, "Vector512 is not hardware-accelerated on this CPU");
        var (a, b) = Operands(rows, k, cols);
        var narrow = Product(a, b, rows, k, cols, transposeA, transposeB, wide: false);
        var wide = Product(a, b, rows, k, cols, transposeA, transposeB, wide: true);
        for (int i = 0; i < narrow.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(narrow[i]) == BitConverter.SingleToInt32Bits(wide[i]),
                $"element {i} (row {i / cols}, column {i % cols}): narrow {narrow[i]:R}, wide {wide[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ColumnMajorBEqualsRowMajorBBitForBit(int rows, int k, int cols, bool transposeA, bool wide)
    {
        // B read along its columns is packed through 8 × 8 register transposes (and the rest element by element): the
        // packed panels, hence the products, must be the very bits of the row-major B's (k and cols not multiples of 8 here too)
        Assert.SkipUnless(!wide || Vector512.IsHardwareAccelerated, "Vector512 is not hardware-accelerated on this CPU");
        var (a, b) = Operands(rows, k, cols);
        var rowMajor = Product(a, b, rows, k, cols, transposeA, transposeB: false, wide);
        var columnMajor = Product(a, b, rows, k, cols, transposeA, transposeB: true, wide);
        for (int i = 0; i < rowMajor.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(rowMajor[i]) == BitConverter.SingleToInt32Bits(columnMajor[i]),
                $"element {i} (row {i / cols}, column {i % cols}): row-major B {rowMajor[i]:R}, column-major B {columnMajor[i]:R}");
    }

    private static (float[] A, float[] B) Operands(int rows, int k, int cols) =>
        (GramAccumulateTests.Uniform(rows * 31 + k, rows * k), GramAccumulateTests.Uniform(cols * 17 + k, k * cols));

    private static double[] Reference(float[] a, float[] b, int rows, int k, int cols)
    {
        var c = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int kk = 0; kk < k; kk++)
                    sum += (double)a[i * k + kk] * b[kk * cols + j];
                c[i * cols + j] = 2 * sum;
            }
        }
        return c;
    }

    /// <summary>2·A·B through Gemm.Run (A [rows, k], B [k, cols] row-major; stored transposed where asked, read through
    /// strides), with the doubling as the epilogue.</summary>
    private static unsafe float[] Product(float[] a, float[] b, int rows, int k, int cols, bool transposeA, bool transposeB, bool wide)
    {
        var at = transposeA ? Transpose(a, rows, k) : a;
        var bt = transposeB ? Transpose(b, k, cols) : b;
        var c = new float[rows * cols];
        fixed (float* pa = at, pb = bt, pc = c)
        {
            var sa = transposeA ? new Strided(pa, 1, rows) : new Strided(pa, k, 1);
            var sb = transposeB ? new Strided(pb, 1, k) : new Strided(pb, cols, 1);
            var twice = new Twice();
            Gemm.Run(sa, sb, pc, cols, rows, k, 0, cols, ref twice, wide);
        }
        return c;
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = x[i * cols + j];
        }
        return t;
    }

    private readonly unsafe struct Twice : ITileEpilogue
    {
        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                    c[i * ldc + j] *= 2f;
            }
        }
    }
}
