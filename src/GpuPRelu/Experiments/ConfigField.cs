namespace GpuPRelu.Experiments;

/// <summary>One settable field of a config: its flag name (kebab-case; the YAML key is the same words in snake_case),
/// a description, whether it is a switch, and how a text value applies to the config.</summary>
public sealed record ConfigField<TConfig>(string Flag, string Description, bool IsSwitch, Func<TConfig, string, TConfig> Apply)
{
    /// <summary>The YAML key: the flag's words joined by underscores.</summary>
    public string Key => Flag.Replace('-', '_');
}
