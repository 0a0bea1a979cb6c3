namespace GpuPRelu.Configs;

/// <summary>How a run trains (TrainConfig, RealConfig): the learning rate, the passes over the data, the mini-batch size
/// and how often metrics are recorded.</summary>
public sealed record OptimizerConfig(double Lr, int Epochs, int BatchSize, int LogEvery)
{
    /// <summary>Every rule this part breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (!(Lr > 0) || double.IsInfinity(Lr))
            e.Add($"lr must be > 0 and finite, got {Lr}");
        FieldParsers.Positive(e, "epochs", Epochs);
        FieldParsers.Positive(e, "batch_size", BatchSize);
        FieldParsers.Positive(e, "log_every", LogEvery);
        return e;
    }
}
