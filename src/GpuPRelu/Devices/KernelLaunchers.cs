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
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>> _columnNorms;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>> _inputNorms;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>> _forward;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _output;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _outputBackward;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _hiddenBackward;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>> _weightBackward;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>> _inputBackward;
    private readonly Action<Index1D, BatchShape, RowSelection, ArrayView<float>, ArrayView<int>, ArrayView<int>,
        ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>> _gather;
    private readonly Action<Index1D, BatchShape, LossSpec, ArrayView<float>, ArrayView<int>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>> _loss;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _rowSums;
    private readonly Action<Index1D, float, ArrayView<float>, ArrayView<float>> _sgd;
    private readonly Action<Index1D, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _adam;
    private readonly Action<Index1D, BatchShape, PgdSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>> _pgdStep;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>> _markBroken;
    private readonly Action<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _sphereAscent;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>> _gram;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>> _powerStep;
    private readonly Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _powerNormalize;

    public KernelLaunchers(Accelerator accelerator)
    {
        _columnNorms = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Network.ColumnNorms.Kernel);
        _inputNorms = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Network.InputNorms.Kernel);
        _forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(PReluForward.Kernel);
        _output = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(OutputForward.Kernel);
        _outputBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.OutputBackward.Kernel);
        _hiddenBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.HiddenBackward.Kernel);
        _weightBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.WeightBackward.Kernel);
        _inputBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Network.InputBackward.Kernel);
        _gather = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, RowSelection, ArrayView<float>, ArrayView<int>, ArrayView<int>,
            ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(GatherRows.Kernel);
        _loss = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, LossSpec, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(LossGradient.Kernel);
        _rowSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Reductions.RowSums.Kernel);
        _sgd = accelerator.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(SgdUpdate.Kernel);
        _adam = accelerator.LoadAutoGroupedStreamKernel<Index1D, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AdamUpdate.Kernel);
        _pgdStep = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, PgdSpec, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.PgdStep.Kernel);
        _markBroken = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.MarkBroken.Kernel);
        _sphereAscent = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>>(SphereAscentStep.Kernel);
        _gram = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>>(Kernels.Analysis.GramAccumulate.Kernel);
        _powerStep = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Analysis.GramPowerStep.Kernel);
        _powerNormalize = accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(Kernels.Analysis.PowerNormalize.Kernel);
    }

    public virtual void ColumnNorms(BatchShape s, DeviceView<float> theta, DeviceView<float> r) =>
        _columnNorms(s.Networks * s.Hidden, s, theta, r);

    public virtual void InputNorms(BatchShape s, DeviceView<float> u, DeviceView<float> q) =>
        _inputNorms(s.Networks * s.Samples, s, u, q);

    public virtual void Forward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> q, DeviceView<float> z, DeviceView<float> a, DeviceView<float> f)
    {
        _forward(s.Networks * s.Samples * s.Hidden, s, u, theta, p, r, q, z, a);
        _output(s.Networks * s.Samples * s.Outputs, s, a, theta, f);
    }

    public virtual void OutputBackward(BatchShape s, DeviceView<float> a, DeviceView<float> g, DeviceView<float> dTheta) =>
        _outputBackward(s.Networks * (s.Hidden + 1) * s.Outputs, s, a, g, dTheta);

    public virtual void HiddenBackward(BatchShape s, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r, DeviceView<float> q,
        DeviceView<float> z, DeviceView<float> a, DeviceView<float> g, DeviceView<float> gz, DeviceView<float> t) =>
        _hiddenBackward(s.Networks * s.Samples * s.Hidden, s, theta, p, r, q, z, a, g, gz, t);

    public virtual void WeightBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> gz, DeviceView<float> t, DeviceView<float> dTheta) =>
        _weightBackward(s.Networks * s.Inputs * s.Hidden, s, u, theta, p, r, gz, t, dTheta);

    public virtual void InputBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> q,
        DeviceView<float> gz, DeviceView<float> t, DeviceView<float> du) =>
        _inputBackward(s.Networks * s.Samples * s.Inputs, s, u, theta, p, q, gz, t, du);

    public virtual void Gather(BatchShape s, RowSelection sel, DeviceView<float> x, DeviceView<int> y, DeviceView<int> set,
        DeviceView<int> rows, DeviceView<float> center, DeviceView<float> u, DeviceView<int> ym) =>
        _gather(s.Networks * s.Samples * s.Inputs, s, sel, x, y, set, rows, center, u, ym);

    public virtual void Loss(BatchShape s, LossSpec spec, DeviceView<float> f, DeviceView<int> ym, DeviceView<float> g,
        DeviceView<float> loss, DeviceView<float> correct) =>
        _loss(s.Networks * s.Samples, s, spec, f, ym, g, loss, correct);

    public virtual void RowSums(BatchShape s, DeviceView<float> loss, DeviceView<float> correct, DeviceView<float> sums) =>
        _rowSums(s.Networks, s, loss, correct, sums);

    public virtual void Sgd(float lr, DeviceView<float> theta, DeviceView<float> dTheta) =>
        _sgd((int)theta.Length, lr, theta, dTheta);

    public virtual void Adam(AdamStep step, DeviceView<float> theta, DeviceView<float> dTheta, DeviceView<float> m, DeviceView<float> v) =>
        _adam((int)theta.Length, step, theta, dTheta, m, v);

    public virtual void PgdStep(BatchShape s, PgdSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken) =>
        _pgdStep(s.Networks * s.Samples, s, spec, u0, u, du, radius, center, broken);

    public virtual void MarkBroken(DeviceView<float> correct, DeviceView<int> broken) =>
        _markBroken((int)correct.Length, correct, broken);

    public virtual void SphereAscent(BatchShape s, float step, DeviceView<float> x, DeviceView<float> f, DeviceView<float> g,
        DeviceView<float> df, DeviceView<float> dg, DeviceView<float> scale, DeviceView<float> center, DeviceView<float> u,
        DeviceView<float> best) =>
        _sphereAscent(s.Networks * s.Samples, s, step, x, f, g, df, dg, scale, center, u, best);
    /// <summary>g += AᵀA per network, A = a [B, s.Samples, H].</summary>
    public virtual void GramAccumulate(BatchShape s, DeviceView<float> a, DeviceView<float> g) =>
        _gram(s.Networks * s.Hidden * s.Hidden, s, a, g);

    public virtual void GramPowerStep(BatchShape s, DeviceView<float> g, DeviceView<float> v, DeviceView<float> y) =>
        _powerStep(s.Networks * s.Hidden, s, g, v, y);

    public virtual void PowerNormalize(BatchShape s, DeviceView<float> g, DeviceView<float> y, DeviceView<float> v, DeviceView<float> lambda,
        DeviceView<float> trace) =>
        _powerNormalize(s.Networks, s, g, y, v, lambda, trace);
}
