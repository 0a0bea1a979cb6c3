using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Experiments;

/// <summary>A row of training.csv: one network at one log point.</summary>
public sealed record TrainingRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("alpha")] double Alpha,
    [property: Name("seed")] int Seed,
    [property: Name("epoch")] int Epoch,
    [property: Name("step")] long Step,
    [property: Name("flow_time")] double FlowTime,
    [property: Name("loss")] double Loss,
    [property: Name("train_acc")] double TrainAcc,
    [property: Name("test_loss")] double TestLoss,
    [property: Name("test_acc")] double TestAcc,
    [property: Name("diverged")] bool Diverged);
