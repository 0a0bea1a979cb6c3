namespace GpuPRelu.Configs;

/// <summary>One settable field of a config: its flag name (kebab-case; the YAML key is the same words in snake_case),
/// a description, whether it is a switch, and how a text value applies to the config.</summary>
public sealed record ConfigField<TConfig>(string Flag, string Description, bool IsSwitch, Func<TConfig, string, TConfig> Apply)
{
    /// <summary>The YAML key: the flag's words joined by underscores.</summary>
    public string Key => Flag.Replace('-', '_');

    /// <summary>The field's value in a config as a flag writes it (help shows the default config's); null, or a null
    /// result: nothing to show (a default that depends on other fields says so in the description).</summary>
    public Func<TConfig, string?>? Show { get; init; }

    /// <summary>The same field on a config that holds this one (a part of it): `get` reads the part, `set` replaces it.</summary>
    public ConfigField<TOuter> Lift<TOuter>(Func<TOuter, TConfig> get, Func<TOuter, TConfig, TOuter> set)
    {
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        var show = Show;
        return new(Flag, Description, IsSwitch, (c, v) => set(c, Apply(get(c), v))) { Show = show is null ? null : c => show(get(c)) };
    }
}
