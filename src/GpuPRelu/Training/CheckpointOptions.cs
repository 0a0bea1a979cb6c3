using System.Globalization;

namespace GpuPRelu.Training;

/// <summary>Checkpoints of a training run (TrainingOptions.Checkpoint): at the end of an epoch, when `Every` has passed
/// since the last write (or since Train started), and always after the last epoch, Trainer.Train writes the batch's full
/// state into `Folder` (checkpoint.json + state-STEP.safetensors, see TrainingCheckpoint); TimeSpan.Zero writes at every
/// epoch end. When `Folder` already holds a checkpoint of the same batch, Train resumes from it.</summary>
public sealed record CheckpointOptions(string Folder, TimeSpan Every)
{
    /// <summary>Every broken rule, one line each, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Folder))
            errors.Add("checkpoint.folder must name a folder, got an empty path");
        if (Every < TimeSpan.Zero)
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"checkpoint.every must be ≥ 0, got {Every}"));
        return errors;
    }
}
