using GpuPRelu.Analysis;
using GpuPRelu.Data;
using GpuPRelu.Devices.Managed;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The distance ascent one network per core with stationary starts dropped (ManagedAscent) gives every scale and
/// distance bit for bit as the step-by-step launches over all networks: ragged D and width, p = 1, 2.5 and 3, input
/// normalization, and networks that are exact multiples of F, whose starts are all stationary (c·f − G = 0 everywhere).</summary>
[Collection(DeviceGroup.Name)]
public sealed class ManagedAscentTests(DeviceFixture devices)
{
    private static readonly DistanceOptions Options = new() { ScaleSamples = 300, Steps = 25, Starts = 7, Repeats = 2, StepSize = 0.05 };
    private static readonly double[] Ps = [1, 2.5, 3, 1];

    [Theory]
    [InlineData(37, 23, 5, 0)]
    [InlineData(37, 23, 5, 1)]
    [InlineData(19, 40, 3, 0)]
    public void PerNetworkAscentGivesTheSameBits(int inputs, int width, int seed, int normalize)
    {
        var shape = new BatchShape(Ps.Length, 0, inputs, width, 1, normalize, normalize);
        var theta = NetworkCase.Normal(new System.Random(seed), shape.ParameterCount, 0.6);
        var infos = Ps.Select((p, b) => new NetworkInfo(b, p, 0.2, seed + b, b)).ToList();
        var mu = infos.Select(n => SubclassData.Centers(inputs, 4, true, n.Seed)).ToList();
        var stepByStep = Distances(shape, infos, theta, mu, 4, 2, perNetwork: false);
        var perNetwork = Distances(shape, infos, theta, mu, 4, 2, perNetwork: true);
        Assert.Equal(stepByStep, perNetwork);
        Assert.All(stepByStep.Where((_, i) => i % 2 == 1), d => Assert.True(d > 0, $"distance {d}"));
    }

    [Fact]
    public void StationaryStartsLeaveWithTheSameResult()
    {
        const int D = 6, K = 3, K1 = 1;
        var infos = Enumerable.Range(0, 2).Select(b => new NetworkInfo(b, 1, 0.1, 460 + b, b)).ToList();
        var mu = infos.Select(n => SubclassData.Centers(D, K, true, n.Seed)).ToList();
        var (shape, theta) = IdealClassifier.Parameters(IdealKind.F, D, K, K1, mu);
        for (int i = shape.VOffset; i < shape.BiasOffset; i++)
            theta[i] *= 2; // 2·F: c = 1/2 and c·f − F = 0 at every x
        long before = ManagedAscent.Dropped;
        var stepByStep = Distances(shape, infos, theta, mu, K, K1, perNetwork: false);
        var perNetwork = Distances(shape, infos, theta, mu, K, K1, perNetwork: true);
        Assert.True(ManagedAscent.Dropped - before >= 2 * Options.Starts, $"{ManagedAscent.Dropped - before} starts dropped");
        Assert.Equal(stepByStep, perNetwork);
        Assert.Equal([0.0, 0.0], new[] { stepByStep[1], stepByStep[3] }); // (scale, distance) of F for each network first
    }

    private double[] Distances(BatchShape shape, IReadOnlyList<NetworkInfo> infos, float[] theta, IReadOnlyList<double[]> mu,
        int subclasses, int positive, bool perNetwork)
    {
        ManagedSteps.Forced = perNetwork;
        try
        {
            using var net = new NetworkBatch(devices.Get("cpu"), shape, infos, theta, new float[shape.Networks * shape.Inputs]);
            var rows = DistanceEstimate.Run(net, mu, subclasses, positive, Options, TestContext.Current.CancellationToken);
            return [.. rows.SelectMany(r => new[] { r.Scale, r.Distance })];
        }
        finally
        {
            ManagedSteps.Forced = null;
        }
    }
}
