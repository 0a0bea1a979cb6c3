using static GpuPRelu.Configs.FieldParsers;

namespace GpuPRelu.Configs;

/// <summary>The fields of EvaluateConfig as flags and YAML keys: the networks file and how to read it, then the data's.</summary>
public static class EvaluateFields
{
    /// <summary>Every field, in help order.</summary>
    public static IReadOnlyList<ConfigField<EvaluateConfig>> All { get; } =
    [
        new("network", "networks file (.safetensors): ours, or a PyTorch ShallowPreluNet state_dict (required)", false, (c, v) => c with { Network = v }),
        new("p", "p of the networks: one value for all or one per network (needed when the file has no p; overrides it)", false,
            (c, v) => c with { P = ValueList.Parse("p", v) }),
        new("normalize-input", "true | false: divide a_j by ‖x − c‖^(p−1) (the reference's MNIST and Caltech default is true; default: the file's metadata, else false)",
            false, (c, v) => c with { NormalizeInput = Switch("normalize_input", v) }),
        new("logits", "also write logits.csv (network, sample, label, logit_0 …)", true, (c, v) => c with { Logits = Switch("logits", v) }),
        .. DataFields.Real.Concat(DataFields.Synthetic).Select(f => f.Lift<EvaluateConfig>(c => c.Data, (c, d) => c with { Data = d })),
    ];
}
