using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of neurons.csv: one neuron of one network. rank 1 is the largest contribution; share is the neuron's
/// fraction of the network's total contribution; nearest is the center direction with the largest cosine.</summary>
public sealed record NeuronRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("neuron")] int Neuron,
    [property: Name("rank")] int Rank,
    [property: Name("norm")] double Norm,
    [property: Name("v")] double V,
    [property: Name("contribution")] double Contribution,
    [property: Name("share")] double Share,
    [property: Name("dominant")] bool Dominant,
    [property: Name("nearest")] string Nearest,
    [property: Name("nearest_cos")] double NearestCos);
