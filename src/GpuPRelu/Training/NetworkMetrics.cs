namespace GpuPRelu.Training;

/// <summary>One network at one log point: mean loss and accuracy on the training and test sets. Diverged is set once
/// the training loss is NaN or infinite, and stays set.</summary>
public sealed record NetworkMetrics(int Network, int Epoch, long Step, double FlowTime, double Loss, double TrainAccuracy,
    double TestLoss, double TestAccuracy, bool Diverged);
