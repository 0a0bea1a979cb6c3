using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Experiments;

/// <summary>A row of summary.csv: one network at the end of training.</summary>
public sealed record SummaryRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("epochs")] int Epochs,
    [property: Name("steps")] long Steps,
    [property: Name("flow_time")] double FlowTime,
    [property: Name("loss")] double Loss,
    [property: Name("train_acc")] double TrainAcc,
    [property: Name("test_acc")] double TestAcc,
    [property: Name("diverged")] bool Diverged);
