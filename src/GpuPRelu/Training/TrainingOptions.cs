namespace GpuPRelu.Training;

/// <summary>How a batch is trained. Epochs counts passes over the data (for Gd: steps); metrics are recorded every
/// LogEvery epochs and after the last. EvalRows bounds the rows evaluated per launch (memory). LogRows, when set, is how
/// many rows of each train and test set (the first ones) the log points between epoch 0 and the last evaluate; those two
/// evaluate every row. Checkpoint, when set,
/// saves the training state at epoch ends and resumes from it (CheckpointOptions, Trainer.Train).</summary>
public sealed record TrainingOptions(
    OptimizerKind Optimizer,
    LossKind Loss,
    double Lr,
    int Epochs,
    int BatchSize,
    int LogEvery,
    int EvalRows = 2048,
    CheckpointOptions? Checkpoint = null,
    int? LogRows = null);
