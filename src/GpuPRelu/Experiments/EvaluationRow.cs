using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Experiments;

/// <summary>A row of evaluation.csv: one network on one data set.</summary>
public sealed record EvaluationRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("data")] string Data,
    [property: Name("samples")] int Samples,
    [property: Name("loss")] double Loss,
    [property: Name("accuracy")] double Accuracy);
