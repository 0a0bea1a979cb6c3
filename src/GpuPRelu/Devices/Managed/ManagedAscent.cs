using System.Runtime.Intrinsics;
using GpuPRelu.Kernels;

namespace GpuPRelu.Devices.Managed;

/// <summary>The distance ascent's rows on the CPU one network per core (KernelLaunchers.EachNetworkAscent): each task gives
/// the ascent (DistanceEstimate's) its network's starts, whose forward passes of f and G, input gradients and sphere step
/// run with the network's W, Wᵀ and rows in its core's cache, and drops a start once it is stationary. Every element is
/// computed by the same operations in the same order as ManagedForward, ManagedBackward and ManagedAnalysis.SphereAscent
/// (DistanceEstimateTests compare the distances bit for bit); only the sums over D of four starts run side by side instead
/// of one after the other.</summary>
internal static unsafe class ManagedAscent
{
    private const int Group = 4; // starts whose sequential sums over D run interleaved

    private static long _dropped;

    /// <summary>Starts dropped as stationary since the process began (tests check that the path ran).</summary>
    internal static long Dropped => Interlocked.Read(ref _dropped);

    public static void EachNetwork(BatchShape s, BatchShape sG, AscentSide f, AscentSide g, float* scale, float* center, float* best,
        Action<IAscentRows> ascend)
    {
        int m = s.Samples, D = s.Inputs;
        Parallel.For(0, s.Networks, ManagedSteps.OnePerCore, b =>
        {
            var nf = new Model(s, f, b, m, Buffer(ref _wtF, s));
            var ng = new Model(sG, g, b, m, Buffer(ref _wtG, sG));
            var rows = new Starts(D, ng.U, nf.U, center + (long)b * D, scale[b], best + (long)b * m, m);
            ascend(new Network(nf, ng, rows));
            Interlocked.Add(ref _dropped, rows.Dropped);
        });
    }

    /// <summary>One network's rows of f and G and its starts, as the ascent moves them.</summary>
    private sealed class Network(Model f, Model g, Starts rows) : IAscentRows
    {
        public int Active => rows.Active;

        public void Logits()
        {
            f.Logits(rows.Active);
            g.Logits(rows.Active);
        }

        public void InputGradients()
        {
            f.InputGradient(rows.Active);
            g.InputGradient(rows.Active);
        }

        public void Step(float step) => rows.Step(step, f.F, g.F, f.DU, g.DU);
    }

    // per thread, reused by the networks it runs: Wᵀ of f and of G (H·D floats each; 8 MB at the paper's D 1000, H 2000)
    [ThreadStatic]
    private static float[]? _wtF, _wtG;

    private static float[] Buffer(ref float[]? buffer, BatchShape s)
    {
        int n = s.Hidden * s.Inputs;
        if (buffer is null || buffer.Length < n)
            buffer = GC.AllocateUninitializedArray<float>(n, pinned: true);
        return buffer;
    }

    /// <summary>One network of a batch on its first `rows` rows: the forward pass to f and the input gradient ∇f (∂loss/∂f
    /// = 1), as ManagedForward.Forward and ManagedBackward.HiddenBackward/InputBackward compute them for that network.</summary>
    private sealed class Model
    {
        private readonly BatchShape _s;
        private readonly float _p;
        private readonly float* _bias, _w, _v, _r, _q, _z, _a, _gz, _t;
        private readonly float[] _wt, _delta, _factor;

        public Model(BatchShape s, AscentSide side, int b, int m, float[] wt)
        {
            int D = s.Inputs, H = s.Hidden;
            long row0 = (long)b * m;
            float* theta = HostPointers.F(side.Theta);
            _s = s;
            _p = HostPointers.F(side.P)[b];
            _bias = theta + s.BiasOffset + b;
            _w = theta + (long)b * D * H;
            _v = theta + s.VOffset + (long)b * H;
            _r = HostPointers.F(side.R) + (long)b * H;
            U = HostPointers.F(side.U) + row0 * D;
            _q = HostPointers.F(side.Q) + row0;
            _z = HostPointers.F(side.Z) + row0 * H;
            _a = HostPointers.F(side.A) + row0 * H;
            _gz = HostPointers.F(side.Gz) + row0 * H;
            _t = HostPointers.F(side.T) + row0 * H;
            F = HostPointers.F(side.F) + row0;
            DU = HostPointers.F(side.DU) + row0 * D;
            // Wᵀ once: dU = G_z·Wᵀ reads it by rows instead of transposing W at every step
            _wt = wt;
            for (int d = 0; d < D; d++)
            {
                for (int j = 0; j < H; j++)
                    _wt[j * D + d] = _w[(long)d * H + j];
            }
            // δ with ∂loss/∂f = 1 (one output): HiddenBackward's, the same for every row
            _delta = new float[H];
            float one = 1f;
            fixed (float* dp = _delta)
                ManagedBackward.Delta(1, H, &one, _v, dp);
            _factor = new float[m];
        }

        public float* U { get; }
        public float* F { get; }
        public float* DU { get; }

        public void Logits(int rows)
        {
            int D = _s.Inputs, H = _s.Hidden;
            if (_s.NormalizeInput != 0)
            {
                for (int i = 0; i < rows; i++)
                    _q[i] = MathF.Sqrt(Simd.Dot(U + (long)i * D, U + (long)i * D, D));
            }
            var act = new ManagedForward.PRelu(_s, _p, _r, _q, _a);
            Gemm.Run(new Strided(U, D, 1), new Strided(_w, H, 1), _z, H, rows, D, 0, H, ref act);
            ManagedForward.Outputs(_s, rows, _a, _v, _bias, F); // one output: v is its own transpose
        }

        public void InputGradient(int rows)
        {
            int D = _s.Inputs, H = _s.Hidden;
            for (int i = 0; i < rows; i++)
                ManagedBackward.HiddenRow(_s, _z + (long)i * H, _a + (long)i * H, _delta, _p, _r, _q[i], _gz + (long)i * H, _t + (long)i * H);
            bool normalize = _s.NormalizeInput != 0;
            for (int i = 0; i < rows && normalize; i++)
                _factor[i] = ManagedBackward.InputFactor(_p, _q[i], _t + (long)i * H, H);
            fixed (float* fp = _factor, wt = _wt)
            {
                var radial = new ManagedBackward.ScaledAdd(normalize ? fp : null, true, U, D);
                Gemm.Run(new Strided(_gz, H, 1), new Strided(wt, D, 1), DU, D, rows, H, 0, D, ref radial);
            }
        }
    }

    /// <summary>One network's starts: x (G's inputs) and u = x − center (f's), the best |c·f − G| of each start, and which
    /// start each row holds; the first Active rows are the starts still moving.</summary>
    private sealed class Starts
    {
        private readonly int _d;
        private readonly float* _x, _u, _center, _best;
        private readonly float _c;
        private readonly int[] _start;
        private readonly float[] _q;
        private readonly bool[] _stationary;

        public Starts(int d, float* x, float* u, float* center, float c, float* best, int m)
        {
            (_d, _c) = (d, c);
            _x = x;
            _u = u;
            _center = center;
            _best = best;
            _start = [.. Enumerable.Range(0, m)];
            _stationary = new bool[m];
            _q = new float[Group * d];
            Active = m;
        }

        public int Active { get; private set; }

        public int Dropped { get; private set; }

        /// <summary>SphereAscentStep on every active row, then the stationary ones leave (the last row takes each place).</summary>
        public void Step(float step, float* f, float* g, float* df, float* dg)
        {
            for (int i0 = 0; i0 < Active; i0 += Group)
                StepGroup(i0, Math.Min(Group, Active - i0), step, f, g, df, dg);
            for (int i = Active - 1; i >= 0; i--)
            {
                if (!_stationary[i])
                    continue;
                int last = --Active;
                Dropped++;
                if (i != last)
                {
                    new Span<float>(_x + (long)last * _d, _d).CopyTo(new Span<float>(_x + (long)i * _d, _d));
                    new Span<float>(_u + (long)last * _d, _d).CopyTo(new Span<float>(_u + (long)i * _d, _d));
                    _start[i] = _start[last];
                }
                _stationary[i] = false;
            }
        }

        /// <summary>Rows i0..i0+n: h = c·f − G, best = max(best, |h|); then (step &gt; 0) d2 = Σ_d (h·(c·∂f − ∂G))², a move of
        /// `step` along that direction and the projection back onto the sphere, each sum over D in order per row.</summary>
        private void StepGroup(int i0, int n, float step, float* f, float* g, float* df, float* dg)
        {
            int D = _d;
            Span<float> h = stackalloc float[Group], d2 = stackalloc float[Group], x2 = stackalloc float[Group];
            for (int k = 0; k < n; k++)
            {
                int i = i0 + k;
                h[k] = _c * f[i] - g[i];
                _best[_start[i]] = MathF.Max(_best[_start[i]], MathF.Abs(h[k]));
            }
            if (step == 0f)
                return;
            fixed (float* q = _q)
            {
                // q_k = c·∂f − ∂G (rows past n repeat the last one; their sums are not used)
                for (int k = 0; k < Group; k++)
                    Direction(df + (long)(i0 + Math.Min(k, n - 1)) * D, dg + (long)(i0 + Math.Min(k, n - 1)) * D, q + k * D, D);
                float h0 = h[0], h1 = h[Math.Min(1, n - 1)], h2 = h[Math.Min(2, n - 1)], h3 = h[Math.Min(3, n - 1)];
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                float* q0 = q, q1 = q + D, q2 = q + 2 * D, q3 = q + 3 * D;
                for (int d = 0; d < D; d++)
                {
                    float e0 = h0 * q0[d], e1 = h1 * q1[d], e2 = h2 * q2[d], e3 = h3 * q3[d];
                    s0 += e0 * e0;
                    s1 += e1 * e1;
                    s2 += e2 * e2;
                    s3 += e3 * e3;
                }
                (d2[0], d2[1], d2[2], d2[3]) = (s0, s1, s2, s3);
                for (int k = 0; k < n; k++)
                {
                    // a stationary point (h = 0 or parallel gradients) stays put at every later step: it leaves
                    _stationary[i0 + k] = d2[k] == 0f;
                    if (!_stationary[i0 + k])
                        Move(_x + (long)(i0 + k) * D, q + k * D, step / MathF.Sqrt(d2[k]) * h[k], D);
                }
                float* x0 = Row(i0, 0, n), x1 = Row(i0, 1, n), xr2 = Row(i0, 2, n), x3 = Row(i0, 3, n);
                float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f;
                for (int d = 0; d < D; d++)
                {
                    t0 += x0[d] * x0[d];
                    t1 += x1[d] * x1[d];
                    t2 += xr2[d] * xr2[d];
                    t3 += x3[d] * x3[d];
                }
                (x2[0], x2[1], x2[2], x2[3]) = (t0, t1, t2, t3);
                for (int k = 0; k < n; k++)
                {
                    if (!_stationary[i0 + k])
                        Project(_x + (long)(i0 + k) * D, _u + (long)(i0 + k) * D, _center, 1f / MathF.Sqrt(x2[k]), D);
                }
            }
        }

        private float* Row(int i0, int k, int n) => _x + (long)(i0 + Math.Min(k, n - 1)) * _d;

        /// <summary>q = c·df − dg over D floats (product rounded, then the difference).</summary>
        private void Direction(float* df, float* dg, float* q, int D)
        {
            int d = 0;
            var c = Vector256.Create(_c);
            for (; d + Simd.Width <= D; d += Simd.Width)
                (c * Vector256.Load(df + d) - Vector256.Load(dg + d)).Store(q + d);
            for (; d < D; d++)
                q[d] = _c * df[d] - dg[d];
        }

        /// <summary>x += (move·h)·q.</summary>
        private static void Move(float* x, float* q, float mh, int D)
        {
            int d = 0;
            var s = Vector256.Create(mh);
            for (; d + Simd.Width <= D; d += Simd.Width)
                (Vector256.Load(x + d) + s * Vector256.Load(q + d)).Store(x + d);
            for (; d < D; d++)
                x[d] = x[d] + mh * q[d];
        }

        /// <summary>x *= inv, u = x − center.</summary>
        private static void Project(float* x, float* u, float* center, float inv, int D)
        {
            int d = 0;
            var s = Vector256.Create(inv);
            for (; d + Simd.Width <= D; d += Simd.Width)
            {
                var v = Vector256.Load(x + d) * s;
                v.Store(x + d);
                (v - Vector256.Load(center + d)).Store(u + d);
            }
            for (; d < D; d++)
            {
                x[d] *= inv;
                u[d] = x[d] - center[d];
            }
        }
    }
}
