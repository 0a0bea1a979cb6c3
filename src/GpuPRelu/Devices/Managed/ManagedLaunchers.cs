using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Attacks;
using GpuPRelu.Kernels.Data;
using GpuPRelu.Kernels.Training;
using ILGPU;
using ILGPU.Runtime;
using static GpuPRelu.Devices.Managed.HostPointers;

namespace GpuPRelu.Devices.Managed;

/// <summary>The fast CPU path (`--device cpu`): the training operations run as vectorized, multi-threaded managed code
/// directly on the CPU accelerator's buffers (host memory); every other operation falls back to the ILGPU kernel on
/// that accelerator. Results equal the kernels' within float32 rounding (same tests, same references).</summary>
internal sealed unsafe class ManagedLaunchers : KernelLaunchers
{
    private readonly Accelerator _accelerator;

    public ManagedLaunchers(Accelerator accelerator)
        : base(accelerator) => _accelerator = accelerator;

    // any ILGPU kernel launched before must have finished before managed code touches the memory
    private void Sync() => _accelerator.Synchronize();

    public override void ColumnNorms(BatchShape s, ArrayView<float> theta, ArrayView<float> r)
    {
        Sync();
        ManagedForward.ColumnNorms(s, F(theta), F(r));
    }

    public override void InputNorms(BatchShape s, ArrayView<float> u, ArrayView<float> q)
    {
        Sync();
        ManagedForward.InputNorms(s, F(u), F(q));
    }

    public override void Forward(BatchShape s, ArrayView<float> u, ArrayView<float> theta, ArrayView<float> p, ArrayView<float> r,
        ArrayView<float> q, ArrayView<float> z, ArrayView<float> a, ArrayView<float> f)
    {
        Sync();
        ManagedForward.Forward(s, F(u), F(theta), F(p), F(r), F(q), F(z), F(a), F(f));
    }

    public override void OutputBackward(BatchShape s, ArrayView<float> a, ArrayView<float> g, ArrayView<float> dTheta)
    {
        Sync();
        ManagedBackward.OutputBackward(s, F(a), F(g), F(dTheta));
    }

    public override void HiddenBackward(BatchShape s, ArrayView<float> theta, ArrayView<float> p, ArrayView<float> r,
        ArrayView<float> q, ArrayView<float> z, ArrayView<float> a, ArrayView<float> g, ArrayView<float> gz, ArrayView<float> t)
    {
        Sync();
        ManagedBackward.HiddenBackward(s, F(theta), F(p), F(r), F(q), F(z), F(a), F(g), F(gz), F(t));
    }

    public override void WeightBackward(BatchShape s, ArrayView<float> u, ArrayView<float> theta, ArrayView<float> p,
        ArrayView<float> r, ArrayView<float> gz, ArrayView<float> t, ArrayView<float> dTheta)
    {
        Sync();
        ManagedBackward.WeightBackward(s, F(u), F(theta), F(p), F(r), F(gz), F(t), F(dTheta));
    }

    public override void InputBackward(BatchShape s, ArrayView<float> u, ArrayView<float> theta, ArrayView<float> p,
        ArrayView<float> q, ArrayView<float> gz, ArrayView<float> t, ArrayView<float> du)
    {
        Sync();
        ManagedBackward.InputBackward(s, F(u), F(theta), F(p), F(q), F(gz), F(t), F(du));
    }

    public override void Gather(BatchShape s, RowSelection sel, ArrayView<float> x, ArrayView<int> y, ArrayView<int> set,
        ArrayView<int> rows, ArrayView<float> center, ArrayView<float> u, ArrayView<int> ym)
    {
        Sync();
        ManagedTraining.Gather(s, sel, F(x), I(y), I(set), I(rows), F(center), F(u), I(ym));
    }

    public override void Loss(BatchShape s, LossSpec spec, ArrayView<float> f, ArrayView<int> ym, ArrayView<float> g,
        ArrayView<float> loss, ArrayView<float> correct)
    {
        Sync();
        ManagedTraining.Loss(s, spec, F(f), I(ym), F(g), F(loss), F(correct));
    }

    public override void RowSums(BatchShape s, ArrayView<float> loss, ArrayView<float> correct, ArrayView<float> sums)
    {
        Sync();
        ManagedTraining.RowSums(s, F(loss), F(correct), F(sums));
    }

    public override void Sgd(float lr, ArrayView<float> theta, ArrayView<float> dTheta)
    {
        Sync();
        ManagedTraining.Sgd(lr, F(theta), F(dTheta), theta.Length);
    }

    public override void Adam(AdamStep step, ArrayView<float> theta, ArrayView<float> dTheta, ArrayView<float> m, ArrayView<float> v)
    {
        Sync();
        ManagedTraining.Adam(step, F(theta), F(dTheta), F(m), F(v), theta.Length);
    }

    public override void PgdStep(BatchShape s, PgdSpec spec, ArrayView<float> u0, ArrayView<float> u, ArrayView<float> du,
        ArrayView<float> radius, ArrayView<float> center, ArrayView<int> broken)
    {
        Sync();
        ManagedAttacks.PgdStep(s, spec, F(u0), F(u), F(du), F(radius), F(center), I(broken));
    }

    public override void MarkBroken(ArrayView<float> correct, ArrayView<int> broken)
    {
        Sync();
        ManagedAttacks.MarkBroken(F(correct), I(broken), correct.Length);
    }

    public override void SphereAscent(BatchShape s, float step, ArrayView<float> x, ArrayView<float> f, ArrayView<float> g,
        ArrayView<float> df, ArrayView<float> dg, ArrayView<float> scale, ArrayView<float> center, ArrayView<float> u,
        ArrayView<float> best)
    {
        Sync();
        ManagedAnalysis.SphereAscent(s, step, F(x), F(f), F(g), F(df), F(dg), F(scale), F(center), F(u), F(best));
    }

    public override void GramAccumulate(BatchShape s, ArrayView<float> a, ArrayView<float> g)
    {
        Sync();
        ManagedAnalysis.GramAccumulate(s, F(a), F(g));
    }

    public override void GramPowerStep(BatchShape s, ArrayView<float> g, ArrayView<float> v, ArrayView<float> y)
    {
        Sync();
        ManagedAnalysis.PowerStep(s, F(g), F(v), F(y));
    }

    public override void PowerNormalize(BatchShape s, ArrayView<float> g, ArrayView<float> y, ArrayView<float> v, ArrayView<float> lambda,
        ArrayView<float> trace)
    {
        Sync();
        ManagedAnalysis.Normalize(s, F(g), F(y), F(v), F(lambda), F(trace));
    }
}
