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

    public override bool RunsTrainSteps(BatchShape s) => ManagedSteps.Pays(s);

    public override void EachNetworkTraining(BatchShape s, TrainingBuffers buffers, StepSchedule schedule, Action<ITrainingRows> train)
    {
        Sync();
        ManagedSteps.EachNetwork(s, schedule, buffers, train);
    }

    public override bool RunsAscentSteps(BatchShape s) => ManagedSteps.Pays(s);

    public override void EachNetworkAscent(BatchShape s, BatchShape sG, AscentSide f, AscentSide g, DeviceView<float> scale,
        DeviceView<float> center, DeviceView<float> best, Action<IAscentRows> ascend)
    {
        Sync();
        ManagedAscent.EachNetwork(s, sG, f, g, F(scale), F(center), F(best), ascend);
    }

    public override void ColumnNorms(BatchShape s, DeviceView<float> theta, DeviceView<float> r)
    {
        Sync();
        ManagedForward.ColumnNorms(s, F(theta), F(r));
    }

    public override void InputNorms(BatchShape s, DeviceView<float> u, DeviceView<float> q)
    {
        Sync();
        ManagedForward.InputNorms(s, F(u), F(q));
    }

    public override void Forward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> q, DeviceView<float> z, DeviceView<float> a, DeviceView<float> f)
    {
        Sync();
        ManagedForward.Forward(s, F(u), F(theta), F(p), F(r), F(q), F(z), F(a), F(f));
    }

    public override void OutputBackward(BatchShape s, DeviceView<float> a, DeviceView<float> g, DeviceView<float> dTheta)
    {
        Sync();
        ManagedBackward.OutputBackward(s, F(a), F(g), F(dTheta));
    }

    public override void HiddenBackward(BatchShape s, DeviceView<float> theta, DeviceView<float> p, DeviceView<float> r,
        DeviceView<float> q, DeviceView<float> z, DeviceView<float> a, DeviceView<float> g, DeviceView<float> gz, DeviceView<float> t)
    {
        Sync();
        ManagedBackward.HiddenBackward(s, F(theta), F(p), F(r), F(q), F(z), F(a), F(g), F(gz), F(t));
    }

    public override void WeightBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p,
        DeviceView<float> r, DeviceView<float> gz, DeviceView<float> t, DeviceView<float> dTheta)
    {
        Sync();
        ManagedBackward.WeightBackward(s, F(u), F(theta), F(p), F(r), F(gz), F(t), F(dTheta));
    }

    public override void InputBackward(BatchShape s, DeviceView<float> u, DeviceView<float> theta, DeviceView<float> p,
        DeviceView<float> q, DeviceView<float> gz, DeviceView<float> t, DeviceView<float> du)
    {
        Sync();
        ManagedBackward.InputBackward(s, F(u), F(theta), F(p), F(q), F(gz), F(t), F(du));
    }

    public override void Gather(BatchShape s, RowSelection sel, DeviceView<float> x, DeviceView<int> y, DeviceView<int> set,
        DeviceView<int> rows, DeviceView<float> center, DeviceView<float> u, DeviceView<int> ym)
    {
        Sync();
        ManagedTraining.Gather(s, sel, F(x), I(y), I(set), I(rows), F(center), F(u), I(ym));
    }

    public override void Loss(BatchShape s, LossSpec spec, DeviceView<float> f, DeviceView<int> ym, DeviceView<float> g,
        DeviceView<float> loss, DeviceView<float> correct)
    {
        Sync();
        ManagedTraining.Loss(s, spec, F(f), I(ym), F(g), F(loss), F(correct));
    }

    public override void RowSums(BatchShape s, DeviceView<float> loss, DeviceView<float> correct, DeviceView<float> sums)
    {
        Sync();
        ManagedTraining.RowSums(s, F(loss), F(correct), F(sums));
    }

    public override void Sgd(float lr, DeviceView<float> theta, DeviceView<float> dTheta)
    {
        Sync();
        ManagedTraining.Sgd(lr, F(theta), F(dTheta), theta.Length);
    }

    public override void Adam(AdamStep step, DeviceView<float> theta, DeviceView<float> dTheta, DeviceView<float> m, DeviceView<float> v)
    {
        Sync();
        ManagedTraining.Adam(step, F(theta), F(dTheta), F(m), F(v), theta.Length);
    }

    public override void PgdStep(BatchShape s, PgdSpec spec, DeviceView<float> u0, DeviceView<float> u, DeviceView<float> du,
        DeviceView<float> radius, DeviceView<float> center, DeviceView<int> broken)
    {
        Sync();
        ManagedAttacks.PgdStep(s, spec, F(u0), F(u), F(du), F(radius), F(center), I(broken));
    }

    public override void MarkBroken(DeviceView<float> correct, DeviceView<int> broken)
    {
        Sync();
        ManagedAttacks.MarkBroken(F(correct), I(broken), correct.Length);
    }

    public override void SphereAscent(BatchShape s, float step, DeviceView<float> x, DeviceView<float> f, DeviceView<float> g,
        DeviceView<float> df, DeviceView<float> dg, DeviceView<float> scale, DeviceView<float> center, DeviceView<float> u,
        DeviceView<float> best)
    {
        Sync();
        ManagedAnalysis.SphereAscent(s, step, F(x), F(f), F(g), F(df), F(dg), F(scale), F(center), F(u), F(best));
    }

    public override void GramAccumulate(BatchShape s, DeviceView<float> a, DeviceView<float> g)
    {
        Sync();
        ManagedAnalysis.GramAccumulate(s, F(a), F(g));
    }

    public override void GramPowerStep(BatchShape s, DeviceView<float> g, DeviceView<float> v, DeviceView<float> y)
    {
        Sync();
        ManagedAnalysis.PowerStep(s, F(g), F(v), F(y));
    }

    public override void PowerNormalize(BatchShape s, DeviceView<float> g, DeviceView<float> y, DeviceView<float> v, DeviceView<float> lambda,
        DeviceView<float> trace)
    {
        Sync();
        ManagedAnalysis.Normalize(s, F(g), F(y), F(v), F(lambda), F(trace));
    }
}
