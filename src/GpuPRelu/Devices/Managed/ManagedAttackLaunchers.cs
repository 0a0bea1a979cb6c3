using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using ILGPU;
using ILGPU.Runtime;
using static GpuPRelu.Devices.Managed.HostPointers;

namespace GpuPRelu.Devices.Managed;

/// <summary>The attack operations of the fast CPU path (`--device cpu`) on the CPU accelerator's buffers: APGD's steps as
/// vectorized managed code (ManagedApgd), and the per-row kernels of APGD's bookkeeping, FAB and SpreadBroken called
/// directly on the host; the DLR loss and the l1 checkpoint stay ILGPU kernels on that accelerator.</summary>
internal sealed unsafe class ManagedAttackLaunchers : AttackLaunchers
{
    private readonly Accelerator _accelerator;

    public ManagedAttackLaunchers(Accelerator accelerator)
        : base(accelerator) => _accelerator = accelerator;

    // any ILGPU kernel launched before must have finished before managed code touches the memory
    private void Sync() => _accelerator.Synchronize();

    public override void ApgdStep(BatchShape s, ApgdSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> uPrev,
        DeviceView<float> du, DeviceView<float> state, DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken)
    {
        Sync();
        ManagedApgd.Step(s, spec, F(u0), F(u), F(uPrev), F(du), F(state), F(radius), F(center), I(broken));
    }

    // APGD's bookkeeping per row (a few comparisons and copies): the kernels' own code, called row by row on the host memory
    public override void ApgdUpdate(BatchShape s, bool start, float etaScale, DeviceView<float> loss, DeviceView<float> correct,
        DeviceView<float> u, DeviceView<float> du, DeviceView<float> uPrev, DeviceView<float> uBest, DeviceView<float> duBest,
        DeviceView<float> state, DeviceView<float> radius, DeviceView<int> broken)
    {
        Sync();
        int first = start ? 1 : 0;
        ManagedApgd.Rows((long)s.Networks * s.Samples, i =>
            Kernels.Attacks.ApgdUpdate.Kernel((int)i, s, first, etaScale, loss, correct, u, du, uPrev, uBest, duBest, state, radius, broken));
    }

    public override void ApgdCheckpoint(BatchShape s, float threshold, DeviceView<float> u, DeviceView<float> du, DeviceView<float> uBest,
        DeviceView<float> duBest, DeviceView<float> state, DeviceView<int> broken)
    {
        Sync();
        ManagedApgd.Rows((long)s.Networks * s.Samples, i =>
            Kernels.Attacks.ApgdCheckpoint.Kernel((int)i, s, threshold, u, du, uBest, duBest, state, broken));
    }

    public override void ApgdL1Step(BatchShape s, L1Box box, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> state, DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken)
    {
        Sync();
        ManagedApgd.L1Step(s, box, F(u0), F(u), F(du), F(state), F(radius), F(center), I(broken));
    }

    // FAB's per-row kernels are plain loops over a row: the same code, called row by row in parallel on the host memory
    public override void FabStep(BatchShape s, FabSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> margin, DeviceView<float> center, DeviceView<int> active)
    {
        Sync();
        Parallel.For(0, s.Networks * s.Samples, i => Kernels.Attacks.FabStep.Kernel(i, s, spec, u0, u, du, margin, center, active));
    }

    public override void FabAccept(BatchShape s, int norm, float beta, DeviceView<float> correct, DeviceView<float> u0, DeviceView<float> u,
        DeviceView<float> uBest, DeviceView<float> best, DeviceView<int> active)
    {
        Sync();
        Parallel.For(0, s.Networks * s.Samples, i => Kernels.Attacks.FabAccept.Kernel(i, s, norm, beta, correct, u0, u, uBest, best, active));
    }

    public override void SpreadBroken(BatchShape s, int points, DeviceView<int> broken)
    {
        Sync();
        for (int i = 0; i < s.Networks * points; i++)
            Kernels.Attacks.SpreadBroken.Kernel(i, s, points, broken);
    }
}
