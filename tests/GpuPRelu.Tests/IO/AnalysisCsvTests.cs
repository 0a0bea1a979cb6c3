using GpuPRelu.Analysis;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.IO;

/// <summary>The analysis rows go to CSV with the snake_case headers the issue names and read back equal.</summary>
public sealed class AnalysisCsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gpuprelu-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void RowsRoundTripWithSnakeCaseHeaders(int seed)
    {
        var rng = new System.Random(seed);
        double R() => Math.Round(rng.NextDouble(), 6);
        RoundTrip("neurons.csv", new NeuronRow(3, 1, R(), 2, 17, 1, R(), -R(), R(), R(), true, "mu_bar_neg", R()),
            "network,p,alpha,seed,neuron,rank,norm,v,contribution,share,dominant,nearest,nearest_cos");
        RoundTrip("cosines.csv", new CosineRow(3, 3, R(), 2, 17, 4, "mu_5", 6, -R()),
            "network,p,alpha,seed,neuron,rank,center,center_index,cos");
        RoundTrip("alignment.csv", new AlignmentRow(3, 3, R(), 2, 100, 12, R(), 11, 0, 1, 12, 6, R(), "mu_1:3 mu_2:4"),
            "network,p,alpha,seed,neurons,dominant,dominant_share,subclass_aligned,average_aligned,unaligned,sign_consistent,subclasses_covered,min_cos,nearest");
        RoundTrip("distance.csv", new DistanceRow(3, 3, R(), 2, "Fp", 3, R(), R()),
            "network,p,alpha,seed,ideal,ideal_p,scale,distance");
        RoundTrip("dynamics.csv", new DynamicsRow(3, 1, R(), 2, 4, 77, R(), 9, R(), -R(), R(), "mu_bar_pos", R(), R(), -R(), R()),
            "network,p,alpha,seed,epoch,step,flow_time,neuron,norm,v,contribution,nearest,nearest_cos,cos_mu_bar_pos,cos_mu_bar_neg,max_subclass_cos");
    }

    private void RoundTrip<TRow>(string name, TRow row, string header)
    {
        var path = Path.Combine(_dir, name);
        CsvOutput.Write(path, [row]);
        Assert.Equal(header, File.ReadLines(path).First());
        Assert.Equal(row, Assert.Single(CsvOutput.Read<TRow>(path)));
    }
}
