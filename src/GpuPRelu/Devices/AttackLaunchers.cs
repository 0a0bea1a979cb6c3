using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using ILGPU;
using ILGPU.Runtime;

namespace GpuPRelu.Devices;

/// <summary>The APGD, Square and FAB kernels (and the radius-monotonicity kernel), loaded once per accelerator on first use, with typed
/// launch methods sized from the shape. On the managed CPU path they run as ILGPU kernels on the CPU accelerator's
/// buffers, except those ManagedAttackLaunchers overrides; a managed launcher synchronizes before its own code touches
/// them.</summary>
internal class AttackLaunchers
{
    private readonly Lazy<Action<Index1D, BatchShape, ApgdSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>> _step;
    private readonly Lazy<Action<Index1D, BatchShape, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>> _update;
    private readonly Lazy<Action<Index1D, BatchShape, L1Box, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<int>>> _l1Step;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>> _l1Checkpoint;
    private readonly Lazy<Action<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>>> _checkpoint;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>>> _dlr;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>>> _targetedDlr;
    private readonly Lazy<Action<Index1D, BatchShape, int, ArrayView<int>>> _spread;
    private readonly Lazy<Action<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>>> _fabMargin;
    private readonly Lazy<Action<Index1D, BatchShape, FabSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>>> _fabStep;
    private readonly Lazy<Action<Index1D, BatchShape, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>>> _fabAccept;
    private readonly Lazy<Action<Index1D, BatchShape, SquareSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>>> _squareProposal;
    private readonly Lazy<Action<Index1D, BatchShape, int, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<int>>> _squareAccept;

    public AttackLaunchers(Accelerator accelerator)
    {
        _step = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ApgdSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.ApgdStep.Kernel));
        _update = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.ApgdUpdate.Kernel));
        _l1Step = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, L1Box, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.ApgdL1Step.Kernel));
        _l1Checkpoint = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.ApgdL1Checkpoint.Kernel));
        _checkpoint = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, float, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.ApgdCheckpoint.Kernel));
        _dlr = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>>(Kernels.Attacks.DlrLoss.Kernel));
        _targetedDlr = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<int>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Attacks.TargetedDlrLoss.Kernel));
        _squareProposal = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, SquareSpec, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.SquareProposal.Kernel));
        _squareAccept = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, int, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.SquareAccept.Kernel));
        _fabMargin = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, ArrayView<float>, ArrayView<int>, ArrayView<int>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>>(Kernels.Attacks.FabMargin.Kernel));
        _fabStep = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, FabSpec, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.FabStep.Kernel));
        _fabAccept = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, int, float, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>>(Kernels.Attacks.FabAccept.Kernel));
        _spread = new(() => accelerator.LoadAutoGroupedStreamKernel<Index1D, BatchShape, int, ArrayView<int>>(Kernels.Attacks.SpreadBroken.Kernel));
    }

    public virtual void ApgdStep(BatchShape s, ApgdSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> uPrev, DeviceView<float> du,
        DeviceView<float> state, DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken) =>
        _step.Value(s.Networks * s.Samples, s, spec, u0, u, uPrev, du, state, radius, center, broken);

    public virtual void ApgdUpdate(BatchShape s, bool start, float etaScale, DeviceView<float> loss, DeviceView<float> correct, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> uPrev, DeviceView<float> uBest, DeviceView<float> duBest, DeviceView<float> state, DeviceView<float> radius,
        DeviceView<int> broken) =>
        _update.Value(s.Networks * s.Samples, s, start ? 1 : 0, etaScale, loss, correct, u, du, uPrev, uBest, duBest, state, radius, broken);

    public virtual void ApgdCheckpoint(BatchShape s, float threshold, DeviceView<float> u, DeviceView<float> du, DeviceView<float> uBest,
        DeviceView<float> duBest, DeviceView<float> state, DeviceView<int> broken) =>
        _checkpoint.Value(s.Networks * s.Samples, s, threshold, u, du, uBest, duBest, state, broken);

    public virtual void ApgdL1Step(BatchShape s, L1Box box, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du, DeviceView<float> state,
        DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken) =>
        _l1Step.Value(s.Networks * s.Samples, s, box, u0, u, du, state, radius, center, broken);

    public void ApgdL1Checkpoint(BatchShape s, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du, DeviceView<float> uBest,
        DeviceView<float> duBest, DeviceView<float> state, DeviceView<float> radius, DeviceView<int> broken) =>
        _l1Checkpoint.Value(s.Networks * s.Samples, s, u0, u, du, uBest, duBest, state, radius, broken);

    public void DlrLoss(BatchShape s, DeviceView<float> f, DeviceView<int> ym, DeviceView<float> g, DeviceView<float> loss,
        DeviceView<float> correct) =>
        _dlr.Value(s.Networks * s.Samples, s, f, ym, g, loss, correct);

    public void TargetedDlrLoss(BatchShape s, DeviceView<float> f, DeviceView<int> ym, DeviceView<int> target, DeviceView<float> g,
        DeviceView<float> loss, DeviceView<float> correct) =>
        _targetedDlr.Value(s.Networks * s.Samples, s, f, ym, target, g, loss, correct);

    public void SquareProposal(BatchShape s, SquareSpec spec, DeviceView<float> u0, DeviceView<float> uBest, DeviceView<float> u,
        DeviceView<float> radius, DeviceView<float> center, DeviceView<int> draws, DeviceView<float> eta, DeviceView<int> broken) =>
        _squareProposal.Value(s.Networks * s.Samples, s, spec, u0, uBest, u, radius, center, draws, eta, broken);

    public void SquareAccept(BatchShape s, bool start, DeviceView<float> f, DeviceView<int> ym, DeviceView<float> u, DeviceView<float> uBest,
        DeviceView<float> best, DeviceView<int> broken) =>
        _squareAccept.Value(s.Networks * s.Samples, s, start ? 1 : 0, f, ym, u, uBest, best, broken);

    public void FabMargin(BatchShape s, DeviceView<float> f, DeviceView<int> ym, DeviceView<int> target, DeviceView<float> g,
        DeviceView<float> margin, DeviceView<float> correct) =>
        _fabMargin.Value(s.Networks * s.Samples, s, f, ym, target, g, margin, correct);

    public virtual void FabStep(BatchShape s, FabSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du, DeviceView<float> margin,
        DeviceView<float> center, DeviceView<int> active) =>
        _fabStep.Value(s.Networks * s.Samples, s, spec, u0, u, du, margin, center, active);

    public virtual void FabAccept(BatchShape s, int norm, float beta, DeviceView<float> correct, DeviceView<float> u0, DeviceView<float> u,
        DeviceView<float> uBest, DeviceView<float> best, DeviceView<int> active) =>
        _fabAccept.Value(s.Networks * s.Samples, s, norm, beta, correct, u0, u, uBest, best, active);

    /// <summary>Marks broken every row whose point is broken at a smaller radius; `points` = n rows per radius.</summary>
    public virtual void SpreadBroken(BatchShape s, int points, DeviceView<int> broken) =>
        _spread.Value(s.Networks * points, s, points, broken);
}
