using CsvHelper.Configuration.Attributes;

namespace GpuPRelu.Analysis;

/// <summary>A row of the real-data study's summary.csv: one network after training, with its APGD-CE l∞ robust accuracy
/// at the grid radius nearest the paper's headline radius 0.05.</summary>
public sealed record RealSummaryRow(
    [property: Name("network")] int Network,
    [property: Name("p")] double P,
    [property: Name("repeat")] int Repeat,
    [property: Name("seed")] int Seed,
    [property: Name("epochs")] int Epochs,
    [property: Name("loss")] double Loss,
    [property: Name("train_acc")] double TrainAcc,
    [property: Name("test_acc")] double TestAcc,
    [property: Name("stable_rank_h")] double StableRankH,
    [property: Name("stable_rank_w")] double StableRankW,
    [property: Name("radius")] double Radius,
    [property: Name("robust_acc")] double RobustAcc,
    [property: Name("diverged")] bool Diverged);
