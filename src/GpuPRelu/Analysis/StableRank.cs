using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Analysis;

/// <summary>Stable rank ‖A‖_F² / ‖A‖₂² of each network's first-layer weights W [D, H] and of its hidden features
/// H [N, H] on a data set, the MNIST runs' per-epoch metrics (docs/design.md §2). Both come from the H × H Gram matrix AᵀA on
/// the device: its trace is ‖A‖_F², its largest eigenvalue (power iteration) ‖A‖₂².</summary>
public static class StableRank
{
    /// <summary>Power-iteration steps by default: the error of λ shrinks as (λ₂/λ₁)^(2·steps).</summary>
    public const int DefaultIterations = 200;

    /// <summary>‖W‖_F² / ‖W‖₂² of every network [B].</summary>
    public static double[] OfWeights(NetworkBatch net, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(net);
        var s = net.Shape;
        using var g = net.Device.Allocate<float>((long)s.Networks * s.Hidden * s.Hidden);
        g.Clear();
        // the rows of W [B, D, H] are its D samples of H values
        net.Device.Kernels.GramAccumulate(s.WithSamples(s.Inputs), net.Theta.Slice(0, s.VOffset), g.View);
        return FromGram(net, g.View, iterations);
    }

    /// <summary>‖H‖_F² / ‖H‖₂² of every network's hidden features a(x) over all rows of `data` [B], computed in chunks.
    /// Throws ArgumentException, naming both sizes, when the data does not fit the networks.</summary>
    public static double[] OfHiddenFeatures(NetworkBatch net, DataSet data, int iterations = DefaultIterations, int chunkRows = 2048)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        NetworkEvaluator.CheckFits(net.Shape, data);
        var s = net.Shape;
        var dev = net.Device;
        using var device = new DeviceData(dev, [data], new int[s.Networks]);
        using var ws = new Workspace(net, Math.Min(chunkRows, Math.Max(data.Samples, 1)));
        using var g = dev.Allocate<float>((long)s.Networks * s.Hidden * s.Hidden);
        g.Clear();
        ws.ColumnNorms();
        for (int offset = 0; offset < data.Samples; offset += ws.Rows)
        {
            int rows = Math.Min(ws.Rows, data.Samples - offset);
            var chunk = ws.Forward(device, device.Identity.View, offset, rows, NetworkEvaluator.DefaultLoss(s.Outputs), 1f);
            net.Device.Kernels.GramAccumulate(chunk, ws.A.View, g.View);
        }
        return FromGram(net, g.View, iterations);
    }

    static double[] FromGram(NetworkBatch net, DeviceView<float> g, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var s = net.Shape;
        int B = s.Networks, H = s.Hidden;
        var dev = net.Device;
        // a fixed start with no symmetry (all-positive: never orthogonal to the top eigenvector of a Gram of ReLU features)
        var start = new float[B * H];
        for (int i = 0; i < start.Length; i++)
            start[i] = 1f + (i % H % 7) / 7f;
        using var v = dev.Allocate(start);
        using var y = dev.Allocate<float>(B * H);
        using var lambda = dev.Allocate<float>(B);
        using var trace = dev.Allocate<float>(B);
        var k = net.Device.Kernels;
        for (int it = 0; it < iterations; it++)
        {
            k.GramPowerStep(s, g, v.View, y.View);
            k.PowerNormalize(s, g, y.View, v.View, lambda.View, trace.View);
        }
        var l = lambda.ToHost();
        var t = trace.ToHost();
        // the zero matrix has no spectral norm; report NaN rather than 0/0 noise
        return [.. Enumerable.Range(0, B).Select(b => l[b] > 0 ? (double)t[b] / l[b] : double.NaN)];
    }
}
