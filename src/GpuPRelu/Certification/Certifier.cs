using GpuPRelu.Data;
using GpuPRelu.Models;

namespace GpuPRelu.Certification;

/// <summary>Certified radii of a batch of networks × points (docs/certify.md): for every network and point the largest
/// radius at which the decision is proven unchanged, computed in float64 on the host in parallel over the points (the
/// bound of one point is a few H·D products per step, too little to be worth a device round trip per step). With
/// DeviceScreen, a float32 bisection on the device (BoundScreen) first gives every point a candidate radius that the
/// host checks and searches on from; the host's float64 check still decides every radius.</summary>
public static class Certifier
{
    /// <summary>radius[b][i] for network b and its point set points[b].</summary>
    /// <exception cref="ArgumentException">p &lt; 1, or point sets that do not fit.</exception>
    public static CertifiedPoint[][] Run(NetworkBatch net, IReadOnlyList<DataSet> points, CertifyOptions options,
        Action<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        options = options with { Cancel = cancel };
        var shape = net.Shape;
        if (net.Networks.FirstOrDefault(n => !(n.P >= 1) || double.IsInfinity(n.P)) is { } bad)
            throw new ArgumentException($"network {bad.Index} has p {bad.P}; certification needs a finite p ≥ 1 (ReLU^p convex)", nameof(net));
        int B = shape.Networks, D = shape.Inputs;
        if (points.Count != B || points.Any(s => s.Inputs != D))
            throw new ArgumentException($"need {B} point sets with D {D}, one per network", nameof(points));
        var theta = net.ThetaToHost();
        var centers = net.CentersToHost();
        var models = Enumerable.Range(0, B).Select(b => new MarginNetwork(shape, theta, centers, b, net.Networks[b].P, options.Norm)).ToArray();
        var result = points.Select(s => new CertifiedPoint[s.Samples]).ToArray();
        var index = points.SelectMany((s, b) => Enumerable.Range(0, s.Samples).Select(i => (b, i))).ToArray();
        var parallel = new ParallelOptions { CancellationToken = cancel };
        // with the device screen every point's state exists before the search: the screen reads them, the search goes on
        double[]? candidates = null;
        PointCertifier[]? certifiers = null;
        if (options.DeviceScreen && BoundScreen.Covers(options) && index.Length > 0)
        {
            certifiers = new PointCertifier[index.Length];
            Parallel.For(0, index.Length, parallel, k =>
                certifiers[k] = new PointCertifier(models[index[k].b], points[index[k].b].X.AsSpan(index[k].i * D, D), points[index[k].b].Y[index[k].i], options));
            candidates = BoundScreen.Run(net, points, models, certifiers, index, options, cancel);
        }
        int done = 0;
        Parallel.For(0, index.Length, parallel, k =>
        {
            var (b, i) = index[k];
            var x = points[b].X.AsSpan(i * D, D);
            result[b][i] = certifiers is null ? new PointCertifier(models[b], x, points[b].Y[i], options).Run() : certifiers[k].Run(candidates![k]);
            int now = Interlocked.Increment(ref done);
            if (now % 256 == 0)
                progress?.Invoke(now);
        });
        return result;
    }
}
