using BenchmarkDotNet.Attributes;
using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Bench;

/// <summary>The three batched matrix products of a training or attack step at the presets' sizes, on the managed CPU
/// path. Napkin math: each call is 2·B·M·D·H flops (quick 6.0 MFLOP, fig2-scaled 192 MFLOP); divide by the mean time
/// for GFLOP/s and by PeakBenchmark's for the fraction of peak. GlobalSetup first checks the managed forward against
/// the ILGPU kernels (the reference-tested implementation) on the same inputs.</summary>
[MemoryDiagnoser]
public class ProductBenchmark
{
    private ComputeDevice _device = null!;
    private NetworkBatch _net = null!;
    private Workspace _ws = null!;
    private BatchShape _s;

    [Params("quick", "fig2-scaled")]
    public string Config { get; set; } = "quick";

    [GlobalSetup]
    public void Setup()
    {
        var c = BenchConfig.Find(Config);
        CheckAgainstIlgpu();
        (_device, _net, _ws, _s) = Build(DeviceKind.Cpu, c.Networks, c.Rows, c.Inputs, c.Hidden);
        _ws.ColumnNorms();
    }

    [Benchmark(Baseline = true)]
    public void Forward() => _device.Kernels.Forward(_s, _ws.U.View, _net.Theta.View, _net.P.View, _ws.R.View, _ws.Q.View,
        _ws.Z.View, _ws.A.View, _ws.F.View);

    [Benchmark]
    public void WeightBackward() => _device.Kernels.WeightBackward(_s, _ws.U.View, _net.Theta.View, _net.P.View, _ws.R.View,
        _ws.Gz.View, _ws.T.View, _ws.DTheta.View);

    [Benchmark]
    public void InputBackward() => _device.Kernels.InputBackward(_s, _ws.U.View, _net.Theta.View, _net.P.View, _ws.Q.View,
        _ws.Gz.View, _ws.T.View, _ws.DTheta.Slice(0, (long)_s.Networks * _s.Samples * _s.Inputs));

    [GlobalCleanup]
    public void Cleanup()
    {
        _ws.Dispose();
        _net.Dispose();
        _device.Dispose();
    }

    private static (ComputeDevice, NetworkBatch, Workspace, BatchShape) Build(DeviceKind kind, int b, int m, int d, int h)
    {
        var device = ComputeDevice.Open(kind);
        var shape = new BatchShape(b, 0, d, h, 1, 0, 0);
        var networks = Enumerable.Range(0, b).Select(i => new NetworkInfo(i, 1 + 2 * (i % 2), 0.1, i, 0)).ToList();
        var net = new NetworkBatch(device, shape, networks, NetworkBatch.Initialize(shape, networks, InitKind.Kaiming, 1),
            new float[b * d]);
        var ws = new Workspace(net, m);
        var rng = new System.Random(7);
        ws.U.CopyFromHost(Enumerable.Range(0, b * m * d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());
        ws.Gz.CopyFromHost(Enumerable.Range(0, b * m * h).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());
        ws.T.Clear();
        return (device, net, ws, shape.WithSamples(m));
    }

    private static void CheckAgainstIlgpu()
    {
        float[] Run(DeviceKind kind)
        {
            var (device, net, ws, s) = Build(kind, 3, 13, 37, 45);
            ws.ColumnNorms();
            device.Kernels.Forward(s, ws.U.View, net.Theta.View, net.P.View, ws.R.View, ws.Q.View, ws.Z.View, ws.A.View, ws.F.View);
            var f = ws.F.ToHost();
            ws.Dispose();
            net.Dispose();
            device.Dispose();
            return f;
        }
        var (fast, reference) = (Run(DeviceKind.Cpu), Run(DeviceKind.IlgpuCpu));
        for (int i = 0; i < fast.Length; i++)
        {
            if (Math.Abs(fast[i] - reference[i]) > 1e-4 * (1 + Math.Abs(reference[i])))
                throw new InvalidOperationException($"managed forward differs from the ILGPU kernel at {i}: {fast[i]} vs {reference[i]}");
        }
    }
}
