using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of alignment.csv: one network's summary. The dominant neurons (AlignmentOptions) hold dominant_share of
/// the total contribution; of them, subclass_aligned have cos ≥ align_cosine with some μ_k, average_aligned with μ̄₊ or μ̄₋,
/// sign_consistent have v_j of the sign of their nearest direction's class; subclasses_covered counts the distinct μ_k
/// with an aligned dominant neuron; nearest lists "center:count" of the dominant neurons' nearest directions. A diverged network
/// (non-finite parameters) has no dominant neurons, min_cos NaN and nearest "diverged".</summary>
public sealed record AlignmentRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("neurons")] int Neurons,
    [property: Name("dominant")] int Dominant,
    [property: Name("dominant_share")] double DominantShare,
    [property: Name("subclass_aligned")] int SubclassAligned,
    [property: Name("average_aligned")] int AverageAligned,
    [property: Name("unaligned")] int Unaligned,
    [property: Name("sign_consistent")] int SignConsistent,
    [property: Name("subclasses_covered")] int SubclassesCovered,
    [property: Name("min_cos")] double MinCos,
    [property: Name("nearest")] string Nearest);
