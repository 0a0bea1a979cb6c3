using System.CommandLine;

namespace GpuPRelu.Cli;

/// <summary>An option that sets a config field: its flag is `--` and the key in kebab-case, and `Key` is the YAML key a
/// preset or --config file sets it by (docs/cli.md marks these).</summary>
internal sealed class FieldOption<T>(string key) : Option<T>("--" + key.Replace('_', '-'))
{
    public string Key { get; } = key;
}
