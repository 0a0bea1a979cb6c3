using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of dynamics.csv: one neuron of one network at one snapshot of training (paper Fig. 1): its norm ‖w_j‖,
/// output weight, contribution, nearest center direction with that cosine, its cosines with μ̄₊ and μ̄₋ and its largest
/// cosine with a subclass center.</summary>
public sealed record DynamicsRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("epoch")] int Epoch,
    [property: Name("step")] long Step,
    [property: Name("flow_time")] double FlowTime,
    [property: Name("neuron")] int Neuron,
    [property: Name("norm")] double Norm,
    [property: Name("v")] double V,
    [property: Name("contribution")] double Contribution,
    [property: Name("nearest")] string Nearest,
    [property: Name("nearest_cos")] double NearestCos,
    [property: Name("cos_mu_bar_pos")] double CosMuBarPos,
    [property: Name("cos_mu_bar_neg")] double CosMuBarNeg,
    [property: Name("max_subclass_cos")] double MaxSubclassCos);
