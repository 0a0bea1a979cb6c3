using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Network;

namespace GpuPRelu.Devices.Managed;

/// <summary>The forward pass on the CPU with Vector256 register blocks: the same math as the kernels ColumnNorms,
/// InputNorms, PReluForward and OutputForward (docs/design.md §1): z = U·W by the Gemm micro-kernel, the pReLU and the output
/// layer applied to each row block while it is in cache.</summary>
internal static unsafe class ManagedForward
{
    public static void ColumnNorms(BatchShape s, float* theta, float* r)
    {
        int D = s.Inputs, H = s.Hidden;
        Parallel.For(0, s.Networks, b => ColumnNorms(D, H, theta + (long)b * D * H, r + b * H));
    }

    /// <summary>r[j] = ‖w_j‖ for one network's W [D, H]: squares summed over d in order, then the root.</summary>
    public static void ColumnNorms(int D, int H, float* w, float* r)
    {
        for (int j = 0; j < H; j++)
            r[j] = 0f;
        for (int d = 0; d < D; d++)
            Simd.AddSquares(w + (long)d * H, r, H);
        for (int j = 0; j < H; j++)
            r[j] = MathF.Sqrt(r[j]);
    }

    public static void InputNorms(BatchShape s, float* u, float* q)
    {
        int D = s.Inputs;
        Parallel.For(0, s.Networks * s.Samples, bm => q[bm] = MathF.Sqrt(Simd.Dot(u + (long)bm * D, u + (long)bm * D, D)));
    }

    /// <summary>z, a [B, M, H] and f [B, M, C] from u [B, M, D] and θ; r [B, H], q [B, M] as the kernels take them. The
    /// activation runs as the epilogue of each z tile; the output layer then reads whole rows of a.</summary>
    public static void Forward(BatchShape s, float* u, float* theta, float* p, float* r, float* q, float* z, float* a, float* f)
    {
        int M = s.Samples, D = s.Inputs, H = s.Hidden, C = s.Outputs;
        Gemm.Batched(s.Networks, H, (b, col0, col1) =>
        {
            long row0 = (long)b * M;
            var act = new PRelu(s, p[b], r + b * H, q + row0, a + row0 * H);
            Gemm.Run(new Strided(u + row0 * D, D, 1), new Strided(theta + (long)b * D * H, H, 1), z + row0 * H, H, M, D, col0, col1,
                ref act);
        });
        var vt = Transposed(s, theta);
        Parallel.For(0, s.Networks, b =>
        {
            fixed (float* v = &vt[b * C * H])
                Outputs(s, M, a + (long)b * M * H, v, theta + s.BiasOffset + b * C, f + (long)b * M * C);
        });
    }

    /// <summary>f[m, c] = bias_c + a_m·v_c over one network's `rows` rows: vt its V as [C, H], bias read only with HasBias.</summary>
    public static void Outputs(BatchShape s, int rows, float* a, float* vt, float* bias, float* f)
    {
        int H = s.Hidden, C = s.Outputs;
        for (int m = 0; m < rows; m++)
        {
            for (int c = 0; c < C; c++)
                f[(long)m * C + c] = (s.HasBias != 0 ? bias[c] : 0f) + Simd.Dot(a + (long)m * H, vt + c * H, H);
        }
    }

    /// <summary>The pReLU as a z-tile epilogue: a = act(z) over the tile, for one network (r, q, a at its first row).</summary>
    internal readonly struct PRelu(BatchShape s, float p, float* r, float* q, float* a) : ITileEpilogue
    {
        private readonly int _k = Simd.IntegerExponent(p);

        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            for (int i = 0; i < rows; i++)
                Activate(s, c + i * ldc, a + (long)(row + i) * s.Hidden + col, p, _k, r + col, q[row + i], cols);
        }
    }

    /// <summary>V [B, H, C] as [B, C, H], so each output is a contiguous dot product.</summary>
    public static float[] Transposed(BatchShape s, float* theta)
    {
        int H = s.Hidden, C = s.Outputs;
        var vt = new float[s.Networks * C * H];
        fixed (float* p = vt)
        {
            for (int b = 0; b < s.Networks; b++)
                Transpose(H, C, theta + s.VOffset + (long)b * H * C, p + b * C * H);
        }
        return vt;
    }

    /// <summary>One network's V [H, C] as vt [C, H].</summary>
    public static void Transpose(int H, int C, float* v, float* vt)
    {
        for (int j = 0; j < H; j++)
        {
            for (int c = 0; c < C; c++)
                vt[c * H + j] = v[j * C + c];
        }
    }

    /// <summary>a = z·(z/(r·q))^(p−1) for z &gt; 0, else 0, over n columns of a row: PReluMath.Activate, eight columns at a
    /// time when k = p − 1 is an integer (else k = −1 and every column is scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Activate(BatchShape s, float* z, float* a, float p, int k, float* r, float qm, int n)
    {
        int j = 0;
        if (k == 0)
        {
            // p = 1: a = z·1 for z > 0 (PReluMath.Activate's ratio^0), without the ratio's division
            if (Simd.Wide)
            {
                for (; j + 2 * Simd.Width <= n; j += 2 * Simd.Width)
                {
                    var zz = Vector512.Load(z + j);
                    Vector512.ConditionalSelect(Vector512.GreaterThan(zz, Vector512<float>.Zero), zz, Vector512<float>.Zero).Store(a + j);
                }
            }
            for (; j + Simd.Width <= n; j += Simd.Width)
            {
                var zz = Vector256.Load(z + j);
                Vector256.ConditionalSelect(Vector256.GreaterThan(zz, Vector256<float>.Zero), zz, Vector256<float>.Zero).Store(a + j);
            }
        }
        else if (k > 0)
        {
            if (Simd.Wide)
            {
                var qw = Vector512.Create(s.NormalizeInput != 0 ? qm : 1f);
                for (; j + 2 * Simd.Width <= n; j += 2 * Simd.Width)
                {
                    var zz = Vector512.Load(z + j);
                    var act = zz * Simd.Pow(zz / (Vector512.Load(r + j) * qw), k);
                    Vector512.ConditionalSelect(Vector512.GreaterThan(zz, Vector512<float>.Zero), act, Vector512<float>.Zero).Store(a + j);
                }
            }
            var qv = Vector256.Create(s.NormalizeInput != 0 ? qm : 1f);
            for (; j + Simd.Width <= n; j += Simd.Width)
            {
                var zz = Vector256.Load(z + j);
                var act = zz * Simd.Pow(zz / (Vector256.Load(r + j) * qv), k);
                Vector256.ConditionalSelect(Vector256.GreaterThan(zz, Vector256<float>.Zero), act, Vector256<float>.Zero).Store(a + j);
            }
        }
        for (; j < n; j++)
            a[j] = PReluMath.Activate(z[j], r[j], qm, p, s.NormalizeInput);
    }
}
