using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;
using static GpuPRelu.Devices.Managed.HostPointers;

namespace GpuPRelu.Devices.Managed;

/// <summary>The training step's rows on the CPU one network per core (KernelLaunchers.EachNetworkTraining): each task
/// gives the steps (Trainer's) its network's rows — gather, column norms, forward with the activation as the z tiles'
/// epilogue, loss, output and hidden backward, dW = Uᵀ·G_z with the radial term and the update of W as the dW tiles'
/// epilogue, the update of v and the bias — while the network's W, dW and rows stay in its core's cache. Between steps
/// the step-by-step launches synchronize both cores about ten times; here they never do. Every element is computed by the
/// same operations in the same order as ManagedForward, ManagedBackward and ManagedTraining (tests compare θ and the
/// metrics bit for bit).</summary>
internal static unsafe class ManagedSteps
{
    /// <summary>At most one network per core at a time: a network's W and rows fill its core's L2, and the thread pool would
    /// otherwise run a third one beside them (measured: 1.5 networks per core on average).</summary>
    internal static readonly ParallelOptions OnePerCore = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>Tests force the choice (true: every batch, false: never) to compare with the step-by-step launches.</summary>
    internal static bool? Forced { get; set; }

    /// <summary>Whole networks keep every core busy: at least one per core, and no core idle for long at the end (the
    /// networks divide evenly among the cores, or there are ≥ 4 per core).</summary>
    public static bool Pays(BatchShape s)
    {
        int cores = Environment.ProcessorCount;
        return Forced ?? (s.Networks >= cores && (s.Networks % cores == 0 || s.Networks >= 4 * cores));
    }

    public static void EachNetwork(BatchShape s, StepSchedule schedule, TrainingBuffers buffers, Action<ITrainingRows> train)
    {
        // θ's tail past its last whole 8 floats is updated without fused multiply-add (ManagedTraining.Sgd)
        long fused = (long)s.ParameterCount / Simd.Width * Simd.Width;
        Parallel.For(0, s.Networks, OnePerCore, b => train(new Network(s, schedule, buffers, b, fused)));
    }

    /// <summary>One network's slices of θ, dθ and the workspace, and its scratch rows.</summary>
    private sealed class Network : ITrainingRows
    {
        private readonly BatchShape _s;
        private readonly StepSchedule _schedule;
        private readonly int _b, _set;
        private readonly float _pb;
        private readonly long _fused, _vOffset, _biasOffset;
        private readonly float* _x, _center, _theta, _dTheta, _w, _dw, _u, _q, _z, _a, _gz, _f, _g, _loss, _correct, _r, _m, _v;
        private readonly int* _y, _order, _ym;
        private readonly float[] _vt, _delta, _t, _coefficient, _dv;

        public Network(BatchShape s, StepSchedule schedule, TrainingBuffers p, int b, long fused)
        {
            int D = s.Inputs, H = s.Hidden, C = s.Outputs;
            long rows = (long)b * p.Rows;
            (_s, _schedule, _b, _fused) = (s, schedule, b, fused);
            (_set, _pb) = (I(p.SetOf)[b], F(p.P)[b]);
            (_vOffset, _biasOffset) = (s.VOffset + (long)b * H * C, s.BiasOffset + (long)b * C);
            _x = F(p.X);
            _y = I(p.Y);
            _order = I(p.Order);
            _center = F(p.Center) + (long)b * D;
            _theta = F(p.Theta);
            _dTheta = F(p.DTheta);
            // Adam's moments, θ's layout: indexed as θ is (null for SGD)
            _m = p.M is { } m ? F(m) : null;
            _v = p.V is { } v ? F(v) : null;
            _w = _theta + (long)b * D * H;
            _dw = _dTheta + (long)b * D * H;
            _r = F(p.R) + (long)b * H;
            _u = F(p.U) + rows * D;
            _ym = I(p.Ym) + rows;
            _q = F(p.Q) + rows;
            _z = F(p.Z) + rows * H;
            _a = F(p.A) + rows * H;
            _gz = _z; // G_z overwrites z element by element (HiddenRow reads z[j] before it writes gz[j])
            _f = F(p.F) + rows * C;
            _g = F(p.G) + rows * C;
            _loss = F(p.Loss) + rows;
            _correct = F(p.Correct) + rows;
            _vt = new float[C * H];
            _delta = new float[H];
            _t = new float[H];
            _coefficient = new float[H];
            _dv = new float[H];
        }

        public void Gather(int offset, int rows) => Gather(_s.WithSamples(rows), _schedule.RowsPerSet, offset, rows);

        public void ColumnNorms()
        {
            // the norms enter the activation and its derivative only through (z/r)^(p−1), and the radial term through 1 − p
            if (_pb != 1f)
                ManagedForward.ColumnNorms(_s.Inputs, _s.Hidden, _w, _r);
        }

        public void Forward(int rows, LossSpec loss)
        {
            var s = _s.WithSamples(rows);
            Forward(s, rows);
            for (int m = 0; m < rows; m++)
                ManagedTraining.LossRow(loss, s.Outputs, _f + (long)m * s.Outputs, _ym[m], _g + (long)m * s.Outputs, _loss + m, _correct + m);
        }

        public void Backward(int rows)
        {
            var s = _s.WithSamples(rows);
            OutputBackward(s, rows);
            HiddenBackward(s, rows);
        }

        /// <summary>dW with W's update as its tiles' epilogue, then the update of v and the bias.</summary>
        public void Update(int rows, long t)
        {
            var s = _s.WithSamples(rows);
            if (_schedule.Adam)
            {
                var adam = AdamStep.At(_schedule.Lr, t);
                WeightBackward(s, rows, _schedule, adam);
                Adam(adam, _vOffset, s.Hidden * s.Outputs);
                Adam(adam, _biasOffset, s.Outputs);
                return;
            }
            WeightBackward(s, rows, _schedule, default);
            Sgd(_schedule.Lr, _vOffset, s.Hidden * s.Outputs);
            Sgd(_schedule.Lr, _biasOffset, s.Outputs);
        }

        /// <summary>SGD on θ[at..at+n), as ManagedTraining.Sgd updates those elements.</summary>
        private void Sgd(float lr, long at, int n) => ManagedTraining.SgdRange(lr, _theta + at, _dTheta + at, n, Math.Clamp(_fused - at, 0, n));

        /// <summary>Adam on θ[at..at+n) and its moments.</summary>
        private void Adam(AdamStep step, long at, int n) => ManagedTraining.AdamRange(step, _theta + at, _dTheta + at, _m + at, _v + at, n);

        private void Gather(BatchShape s, int rowsPerSet, int offset, int rows)
        {
            int D = s.Inputs;
            long set0 = (long)_set * rowsPerSet;
            float* center = _center;
            for (int m = 0; m < rows; m++)
            {
                long src = set0 + _order[set0 + offset + m];
                Simd.Subtract(_x + src * D, center, _u + (long)m * D, D);
                _ym[m] = _y[src];
            }
            if (s.NormalizeInput == 0)
                return;
            for (int m = 0; m < rows; m++)
                _q[m] = MathF.Sqrt(Simd.Dot(_u + (long)m * D, _u + (long)m * D, D));
        }

        private void Forward(BatchShape s, int rows)
        {
            int D = s.Inputs, H = s.Hidden;
            var act = new ManagedForward.PRelu(s, _pb, _r, _q, _a);
            Gemm.Run(new Strided(_u, D, 1), new Strided(_w, H, 1), _z, H, rows, D, 0, H, ref act);
            fixed (float* vt = _vt)
            {
                ManagedForward.Transpose(H, s.Outputs, _theta + _vOffset, vt);
                ManagedForward.Outputs(s, rows, _a, vt, _theta + _biasOffset, _f);
            }
        }

        private void OutputBackward(BatchShape s, int rows)
        {
            int H = s.Hidden, C = s.Outputs;
            fixed (float* dv = _dv)
            {
                for (int c = 0; c < C; c++)
                {
                    Array.Clear(_dv);
                    float db = 0f;
                    for (int m = 0; m < rows; m++)
                    {
                        float gc = _g[m * C + c];
                        db += gc;
                        Simd.AddScaled(_a + (long)m * H, gc, dv, H);
                    }
                    for (int j = 0; j < H; j++)
                        _dTheta[_vOffset + j * C + c] = dv[j];
                    _dTheta[_biasOffset + c] = s.HasBias != 0 ? db : 0f;
                }
            }
        }

        /// <summary>G_z and, for p ≠ 1, Σ_m t[m, j] (t = δ·a) summed as the rows are made, in row order.</summary>
        private void HiddenBackward(BatchShape s, int rows)
        {
            int H = s.Hidden, C = s.Outputs;
            Array.Clear(_coefficient);
            fixed (float* dp = _delta, vt = _vt, t = _t, cb = _coefficient)
            {
                for (int m = 0; m < rows; m++)
                {
                    long row = (long)m * H;
                    ManagedBackward.Delta(C, H, _g + (long)m * C, vt, dp);
                    ManagedBackward.HiddenRow(s, _z + row, _a + row, _delta, _pb, _r, _q[m], _gz + row, t);
                    if (_pb != 1f)
                        Simd.Add(t, cb, H);
                }
                if (_pb == 1f)
                    return;
                for (int j = 0; j < H; j++)
                {
                    float rj = _r[j];
                    cb[j] = rj > 0f ? (1f - _pb) / (rj * rj) * cb[j] : 0f;
                }
            }
        }

        /// <summary>dW = Uᵀ·G_z (+ coefficient_j·W_j for p ≠ 1), then W's update (SGD, or Adam's step `adam`, unused for
        /// SGD), tile by tile.</summary>
        private void WeightBackward(BatchShape s, int rows, StepSchedule schedule, AdamStep adam)
        {
            int D = s.Inputs, H = s.Hidden;
            var (a, b) = (new Strided(_u, 1, D), new Strided(_gz, H, 1));
            // dW itself is kept only where the product needs it to add KC blocks up (> 256 rows)
            float* dw = rows <= Gemm.KC ? null : _dw;
            fixed (float* cb = _coefficient)
            {
                float* scale = _pb != 1f ? cb : null;
                if (schedule.Adam)
                {
                    long w0 = (long)_b * D * H;
                    var update = new RadialAdam(scale, _w, _m + w0, _v + w0, H, adam);
                    Gemm.Run(a, b, dw, H, D, rows, 0, H, ref update);
                }
                else
                {
                    var update = new RadialUpdate(scale, _w, H, schedule.Lr, (long)_b * D * H, _fused);
                    Gemm.Run(a, b, dw, H, D, rows, 0, H, ref update);
                }
            }
        }

    }

    /// <summary>The dW tile epilogue for SGD: the radial term c += coefficient_j·w (fused, as ManagedBackward's ScaledAdd;
    /// none for p = 1), then w −= lr·c as ManagedTraining.Sgd updates those elements of θ (fused below θ index `fused`).
    /// w's tile is read by nothing else of this product.</summary>
    private readonly struct RadialUpdate(float* scale, float* w, long ldw, float lr, long w0, long fused) : ITileEpilogue
    {
        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            for (int i = 0; i < rows; i++)
            {
                float* ci = c + i * ldc, wi = w + (row + i) * ldw + col;
                if (scale != null)
                    Simd.MultiplyAdd(scale + col, wi, ci, cols);
                long index = w0 + (row + i) * ldw + col;
                ManagedTraining.SgdRange(lr, wi, ci, cols, Math.Clamp(fused - index, 0, cols));
            }
        }
    }

    /// <summary>The dW tile epilogue for Adam: the radial term (none for p = 1), then AdamUpdate of w, m, v (θ's layout)
    /// with the tile as the gradient.</summary>
    private readonly struct RadialAdam(float* scale, float* w, float* m, float* v, long ldw, AdamStep adam) : ITileEpilogue
    {
        public void Apply(float* c, long ldc, int row, int rows, int col, int cols)
        {
            for (int i = 0; i < rows; i++)
            {
                float* ci = c + i * ldc;
                long at = (row + i) * ldw + col;
                if (scale != null)
                    Simd.MultiplyAdd(scale + col, w + at, ci, cols);
                ManagedTraining.AdamRange(adam, w + at, ci, m + at, v + at, cols);
            }
        }
    }
}
