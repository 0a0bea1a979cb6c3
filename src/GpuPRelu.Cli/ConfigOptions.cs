using System.CommandLine;
using GpuPRelu.Configs;
using GpuPRelu.IO;

namespace GpuPRelu.Cli;

/// <summary>A config's fields as command-line options — the one way a verb declares the options that map to a config —
/// and the order a verb applies its sources: the preset, then --config FILE.yaml, then each flag given. Flags are the
/// fields' kebab-case names, YAML keys the snake_case ones; help shows each field's default from the start config.</summary>
internal sealed class ConfigOptions<TConfig>
{
    private readonly IReadOnlyList<ConfigField<TConfig>> _fileFields;
    private readonly List<(ConfigField<TConfig> Field, Option Option)> _options;
    private readonly Option<FileInfo>? _config;

    /// <summary>`fields` become the flags; `fileFields` (default: the same) are the keys a preset or config file may hold;
    /// `defaults` is the config the verb starts from (help shows its values); `configFile`: add --config FILE.yaml.</summary>
    public ConfigOptions(IReadOnlyList<ConfigField<TConfig>> fields, IReadOnlyList<ConfigField<TConfig>>? fileFields = null,
        TConfig? defaults = default, bool configFile = true)
    {
        _fileFields = fileFields ?? fields;
        _config = configFile ? new("--config") { Description = "YAML file of snake_case keys (flags override it)" } : null;
        _options = [.. fields.Select(f => (f, Option(f, defaults)))];
    }

    private static Option Option(ConfigField<TConfig> field, TConfig? defaults)
    {
        string description = defaults is not null && field.Show?.Invoke(defaults) is { } value ? $"{field.Description} [default: {value}]" : field.Description;
        return field.IsSwitch
            ? new FieldOption<bool>(field.Key) { Description = description }
            : new FieldOption<string>(field.Key) { Description = description };
    }

    /// <summary>Adds --config (unless left out) and one option per field.</summary>
    public void AddTo(Command command)
    {
        if (_config is not null)
            command.Options.Add(_config);
        foreach (var (_, option) in _options)
            command.Options.Add(option);
    }

    /// <summary>`start` with the preset's YAML (when given), the --config file's, then the flags applied; `given`
    /// (when not null) receives the key of every field a source set.</summary>
    public TConfig Build(ParseResult parse, TConfig start, string? presetName, string? presetYaml, ISet<string>? given = null)
    {
        var fileFields = given is null ? _fileFields : [.. _fileFields.Select(f => f with { Apply = (c, v) => { given.Add(f.Key); return f.Apply(c, v); } })];
        var config = start;
        if (presetYaml is not null)
            config = ConfigFile.Apply(config, presetYaml, $"preset {presetName}", fileFields);
        if (_config is not null && parse.GetValue(_config) is { } file)
        {
            if (InputFile.Problem("config", file.FullName) is { } problem)
                throw new UsageException(problem);
            config = ConfigFile.Apply(config, File.ReadAllText(file.FullName), file.Name, fileFields);
        }
        foreach (var (field, text) in Given(parse))
        {
            given?.Add(field.Key);
            config = field.Apply(config, text);
        }
        return config;
    }

    /// <summary>Each field whose flag is on the command line, with its text ("true"/"false" for a switch), in field order.</summary>
    public IEnumerable<(ConfigField<TConfig> Field, string Text)> Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var (field, option) in _options)
        {
            // a switch not given still has an implicit result (false): only a flag on the command line overrides the files
            if (parse.GetResult(option) is not { Implicit: false })
                continue;
            yield return (field, option is Option<bool> b ? (parse.GetValue(b) ? "true" : "false") : parse.GetValue((Option<string>)option)!);
        }
    }
}
