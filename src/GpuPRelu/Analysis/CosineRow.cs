using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of cosines.csv: the cosine of one dominant neuron (by rank) with one center direction
/// (center_index 0 μ̄₊, 1 μ̄₋, 2.. μ_1..μ_K), the entries of the paper's Figure 2(c)(d) colormaps.</summary>
public sealed record CosineRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("neuron")] int Neuron,
    [property: Name("rank")] int Rank,
    [property: Name("center")] string Center,
    [property: Name("center_index")] int CenterIndex,
    [property: Name("cos")] double Cos);
