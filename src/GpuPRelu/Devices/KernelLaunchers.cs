using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Analysis;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Kernels.Data;
using GpuPRelu.Kernels.Network;
using GpuPRelu.Kernels.Reductions;
using GpuPRelu.Kernels.Training;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>The engine's kernels, loaded once per accelerator, with typed launch methods that size the grid
/// from the shape. Views are trusted here: the engine that owns the buffers sized them from the same shape.
/// This is the narrow device layer of docs/design.md §4: Managed/ManagedLaunchers overrides the hot operations with
/// vectorized CPU code on the same buffers.</summary>
internal class KernelLaunchers
{
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>> _columnNorms;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>> _inputNorms;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>>> _forward;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _output;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _outputBackward;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _hiddenBackward;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>>> _weightBackward;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>>> _inputBackward;
    private readonly Lazy<Action<Index1D, BatchShape, RowSelection, ArrayView<float>, ArrayView<int>, ArrayView<int>,
        ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>>> _gather;
    private readonly Lazy<Action<Index1D, BatchShape, LossSpec, ArrayView<float>, ArrayView<int>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>>> _loss;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _rowSums;
    private readonly Lazy<Action<Index1D, float, ArrayView<float>, ArrayView<float>>> _sgd;
    private readonly Lazy<Action<Index1D, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _adam;
    private readonly Lazy<Action<Index1D, BatchShape, PgdSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>>> _pgdStep;
    private readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<int>>> _markBroken;
    private readonly Lazy<Action<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _sphereAscent;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>> _gram;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _powerStep;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _powerNormalize;

    public KernelLaunchers(Accelerator accelerator)
    {
        _columnNorms = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Network.ColumnNorms.Kernel));
        _inputNorms = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Network.InputNorms.Kernel));
        _forward = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(PReluForward.Kernel));
        _output = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(OutputForward.Kernel));
        _outputBackward = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.OutputBackward.Kernel));
        _hiddenBackward = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.HiddenBackward.Kernel));
        _weightBackward = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.WeightBackward.Kernel));
        _inputBackward = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.InputBackward.Kernel));
        _gather = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, RowSelection, ArrayView<float>, ArrayView<int>, ArrayView<int>,
            ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(GatherRows.Kernel));
        _loss = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, LossSpec, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(LossGradient.Kernel));
        _rowSums = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Reductions.RowSums.Kernel));
        _sgd = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(SgdUpdate.Kernel));
        _adam = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AdamUpdate.Kernel));
        _pgdStep = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, PgdSpec, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.PgdStep.Kernel));
        _markBroken = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.MarkBroken.Kernel));
        _sphereAscent = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>>(SphereAscentStep.Kernel));
        _gram = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Analysis.GramAccumulate.Kernel));
        _powerStep = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Analysis.GramPowerStep.Kernel));
        _powerNormalize = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(Kernels.Analysis.PowerNormalize.Kernel));
    }

    /// <summary>Whether EachNetworkTraining runs here for this batch: on the managed CPU path with whole networks for
    /// every core. Elsewhere each step is one launch sequence over every network (Trainer).</summary>
    public virtual bool RunsTrainSteps(BatchShape s) => false;

    /// <summary>A run of SGD or Adam steps (`schedule`) one network per core: `train` runs the steps on each network's
    /// rows (ITrainingRows), whose gather, forward, loss, backward and update have the same arithmetic per element as the
    /// step-by-step launches. Only where RunsTrainSteps says so.</summary>
    public virtual void EachNetworkTraining(BatchShape s, TrainingBuffers buffers, StepSchedule schedule, Action<ITrainingRows> train) =>
        throw new NotSupportedException("EachNetworkTraining runs only on the managed CPU path (RunsTrainSteps)");

    /// <summary>Whether EachNetworkAscent runs here for this batch (the managed CPU path, whole networks for every core).</summary>
    public virtual bool RunsAscentSteps(BatchShape s) => false;

    /// <summary>The distance ascent of one chunk of m starts one network per core: `ascend` runs the whole ascent on each
    /// network's rows (IAscentRows), whose forward passes, input gradients and SphereAscentStep have the same arithmetic
    /// per element as those launches; a start that stops moving (a stationary point: SphereAscentStep leaves it where it
    /// is at every later step too) leaves the rows early, its best final. `f` is the network batch (its U the starts minus
    /// the centers), `g` the ideal (its U the starts x); best [B, m]. Only where RunsAscentSteps says so.</summary>
    public virtual void EachNetworkAscent(BatchShape s, BatchShape sG, AscentSide f, AscentSide g, DeviceView<float> scale,
        DeviceView<float> center, DeviceView<float> best, Action<IAscentRows> ascend) =>
        throw new NotSupportedException("EachNetworkAscent runs only on the managed CPU path (RunsAscentSteps)");

    public virtual void ColumnNorms(BatchShape s, DeviceView<float> theta, DeviceView<float> r) =>
        _columnNorms.Value(s.Networks * s.Hidden, s, theta, r);

    public virtual void InputNorms(BatchShape s, DeviceView<float> u, DeviceView<float> q) =>
        _inputNorms.Value(s.Networks * s.Samples, s, u, q);

    public virtual void Forward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> q, DeviceView<float> z, DeviceView<float> a, DeviceView<float> f)
    {
        _forward.Value(s.Networks * s.Samples * s.Hidden, s, u, theta, p, r, q, z, a);
        _output.Value(s.Networks * s.Samples * s.Outputs, s, a, theta, f);
    }

    public virtual void OutputBackward(BatchShape s, DeviceView<float> a, DeviceView<float> g, DeviceView<float> dTheta) =>
        _outputBackward.Value(s.Networks * (s.Hidden + 1) * s.Outputs, s, a, g, dTheta);

    public virtual void HiddenBackward(BatchShape s, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r, DeviceView<float> q,
        DeviceView<float> z, DeviceView<float> a, DeviceView<float> g, DeviceView<float> gz, DeviceView<float> t) =>
        _hiddenBackward.Value(s.Networks * s.Samples * s.Hidden, s, theta, p, r, q, z, a, g, gz, t);

    public virtual void WeightBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> gz, DeviceView<float> t, DeviceView<float> dTheta) =>
        _weightBackward.Value(s.Networks * s.Inputs * s.Hidden, s, u, theta, p, r, gz, t, dTheta);

    public virtual void InputBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> q,
        DeviceView<float> gz, DeviceView<float> t, DeviceView<float> du) =>
        _inputBackward.Value(s.Networks * s.Samples * s.Inputs, s, u, theta, p, q, gz, t, du);

    public virtual void Gather(BatchShape s, RowSelection sel, DeviceView<float> x, DeviceView<int> y, DeviceView<int> set,
        DeviceView<int> rows, DeviceView<float> center, DeviceView<float> u, DeviceView<int> ym) =>
        _gather.Value(s.Networks * s.Samples * s.Inputs, s, sel, x, y, set, rows, center, u, ym);

    public virtual void Loss(BatchShape s, LossSpec spec, DeviceView<float> f, DeviceView<int> ym, DeviceView<float> g,
        DeviceView<float> loss, DeviceView<float> correct) =>
        _loss.Value(s.Networks * s.Samples, s, spec, f, ym, g, loss, correct);

    public virtual void RowSums(BatchShape s, DeviceView<float> loss, DeviceView<float> correct, DeviceView<float> sums) =>
        _rowSums.Value(s.Networks, s, loss, correct, sums);

    public virtual void Sgd(float lr, DeviceView<float> theta, DeviceView<float> dTheta) =>
        _sgd.Value((int)theta.Length, lr, theta, dTheta);

    public virtual void Adam(AdamStep step, DeviceView<float> theta, DeviceView<float> dTheta, DeviceView<float> m, DeviceView<float> v) =>
        _adam.Value((int)theta.Length, step, theta, dTheta, m, v);

    public virtual void PgdStep(BatchShape s, PgdSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken) =>
        _pgdStep.Value(s.Networks * s.Samples, s, spec, u0, u, du, radius, center, broken);

    public virtual void MarkBroken(DeviceView<float> correct, DeviceView<int> broken) =>
        _markBroken.Value((int)correct.Length, correct, broken);

    public virtual void SphereAscent(BatchShape s, float step, DeviceView<float> x, DeviceView<float> f, DeviceView<float> g,
        DeviceView<float> df, DeviceView<float> dg, DeviceView<float> scale, DeviceView<float> center, DeviceView<float> u,
        DeviceView<float> best) =>
        _sphereAscent.Value(s.Networks * s.Samples, s, step, x, f, g, df, dg, scale, center, u, best);
    /// <summary>g += AᵀA per network, A = a [B, s.Samples, H].</summary>
    public virtual void GramAccumulate(BatchShape s, DeviceView<float> a, DeviceView<float> g) =>
        _gram.Value(s.Networks * s.Hidden * s.Hidden, s, a, g);

    public virtual void GramPowerStep(BatchShape s, DeviceView<float> g, DeviceView<float> v, DeviceView<float> y) =>
        _powerStep.Value(s.Networks * s.Hidden, s, g, v, y);

    public virtual void PowerNormalize(BatchShape s, DeviceView<float> g, DeviceView<float> y, DeviceView<float> v, DeviceView<float> lambda,
        DeviceView<float> trace) =>
        _powerNormalize.Value(s.Networks, s, g, y, v, lambda, trace);
}
