using System.Buffers.Binary;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Plots;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Plots;

/// <summary>Every panel renders from tidy rows alone (random ones here, so the plots work before the experiments that
/// produce their rows) to a PNG of the requested size, written atomically; bad requests are refused.</summary>
public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gpuprelu-plots-").FullName;
    private System.Random _rng = new(Seeds.Fixed[0]);

    private static readonly int[] Seeds2 = [0, 1];
    private static readonly int[] Seeds3 = [0, 1, 2];
    private static readonly double[] Ps = [1, 3];
    private static readonly double[] Radii = [0, 0.25, 0.5, 0.75, 1];
    private static readonly long[] Steps = [0, 1, 10, 100];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void EveryPanelWritesAPngOfTheRequestedSize(int dataSeed)
    {
        _rng = new System.Random(dataSeed);
        double[] alphas = [0.01, 0.05, 0.1, 0.2];
        var distance = (from a in alphas from seed in Seeds3 from p in Ps
                        select new DistanceRow(0, p, a, seed, p == 1 ? "F" : "Fp", p, 1, p * a + 0.1 * _rng.NextDouble())).ToList();
        AssertPng(DistancePlot.Write(distance, Path.Combine(_dir, "a.png"), width: 640, height: 480), 640, 480);

        var neurons = new List<NeuronRow>();
        var cosines = new List<CosineRow>();
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < 30; j++)
            {
                double share = Math.Pow(0.7, j) * 0.3;
                neurons.Add(new NeuronRow(b, 1 + 2 * b, 0.01, 0, 29 - j, j + 1, 1, 1, share, share, j < 8, "mu_1", 0.99));
                for (int i = 0; i < 8 && j < 8; i++)
                    cosines.Add(new CosineRow(b, 1 + 2 * b, 0.01, 0, 29 - j, j + 1, CenterDirections.Name(i), i, 2 * _rng.NextDouble() - 1));
            }
        }
        AssertPng(ContributionPlot.Write(neurons, [0, 1], Path.Combine(_dir, "b.png")), 900, 520);
        AssertPng(CosineMapPlot.Write(cosines, 1, Path.Combine(_dir, "c.png"), 500, 400), 500, 400);

        var robust = (from p in Ps from seed in Seeds2 from r in Radii
                      select new RobustAccuracyRow($"{seed}", p, 0.01, seed, "l2", "pgd", r, Math.Clamp(1 - r / p, 0, 1), 100)).ToList();
        robust.Add(new RobustAccuracyRow("F", 1, 0.01, 0, "l2", "exact", 0.5, 0, 100));
        AssertPng(RobustAccuracyPlot.Write(robust, 10, Path.Combine(_dir, "e.png")), 800, 560);

        var dynamics = (from b in Seeds2 from step in Steps from j in Enumerable.Range(0, 12)
                        select new DynamicsRow(b, 1 + 2 * b, 0.01, 0, (int)step, step, step * 0.2, j, 1e-3 * (1 + step * (j % 3)), 1,
                            1e-3 * (1 + step * (j % 3)), j % 2 == 0 ? "mu_bar_pos" : "mu_2", 0.5, _rng.NextDouble(), -0.2, 0.7)).ToList();
        AssertPng(DynamicsPlot.Write(dynamics, Path.Combine(_dir, "dyn.png")), 1200, 840);
        Assert.Empty(Directory.GetFiles(_dir, ".*tmp*"));
    }

    [Fact]
    public void SeriesBandSummarizesRepeatsPerX()
    {
        var band = SeriesBand.Of([(2, 1), (1, 4), (2, 3), (1, double.NaN), (2, 8), (1, 2)]);
        Assert.Equal([1.0, 2], band.X);
        Assert.Equal([3.0, 4], band.Mean);
        Assert.Equal([2.0, 1], band.Min);
        Assert.Equal([4.0, 8], band.Max);
    }

    [Fact]
    public void RefusesNetworksWithoutRows()
    {
        var neurons = new[] { new NeuronRow(0, 1, 0.1, 0, 0, 1, 1, 1, 1, 1, true, "mu_1", 1) };
        Assert.Throws<ArgumentException>(() => ContributionPlot.Write(neurons, [0, 3], Path.Combine(_dir, "b.png")));
        Assert.Throws<ArgumentException>(() => CosineMapPlot.Write([], 0, Path.Combine(_dir, "c.png")));
        Assert.Throws<ArgumentException>(() => DynamicsPlot.Write([], Path.Combine(_dir, "d.png")));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    // PNG signature, then the IHDR chunk's big-endian width and height at bytes 16–23
    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 2000, $"{path}: {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
