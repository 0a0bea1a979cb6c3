namespace GpuPRelu.Configs;

/// <summary>`gpuprelu evaluate`: the networks file, p and the input normalization when the file lacks them (a PyTorch
/// state_dict) or to override it, the data, and whether to write every logit.</summary>
public sealed record EvaluateConfig
{
    public string Network { get; init; } = "";
    public IReadOnlyList<double>? P { get; init; }
    public bool? NormalizeInput { get; init; }
    public DataSpec Data { get; init; } = new();
    public bool Logits { get; init; }

    /// <summary>Every rule this config breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (string.IsNullOrEmpty(Network))
            e.Add("network: give the networks file (--network FILE.safetensors)");
        else if (IO.InputFile.Problem("network", Network) is { } problem)
            e.Add(problem);
        if (P is not null)
            e.AddRange(ModelConfig.DegreeErrors(P));
        e.AddRange(Data.Validate());
        return e;
    }
}
