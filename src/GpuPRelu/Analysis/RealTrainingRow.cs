using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of the real-data study's training.csv: one network at one log point, with the stable ranks
/// ‖H‖_F²/‖H‖₂² of its hidden features (on the first rank_samples training inputs) and of W.</summary>
public sealed record RealTrainingRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("repeat")] int Repeat,
    [property: Name("seed")] int Seed,
    [property: Name("epoch")] int Epoch,
    [property: Name("step")] long Step,
    [property: Name("loss")] double Loss,
    [property: Name("train_acc")] double TrainAcc,
    [property: Name("test_loss")] double TestLoss,
    [property: Name("test_acc")] double TestAcc,
    [property: Name("stable_rank_h")] double StableRankH,
    [property: Name("stable_rank_w")] double StableRankW,
    [property: Name("diverged")] bool Diverged);
