using System.CommandLine;
using GpuPRelu.Experiments;
using GpuPRelu.IO;

namespace GpuPRelu.Cli;

/// <summary>A config's fields as command-line options, and the order a verb applies its sources: the preset, then
/// --config FILE.yaml, then each flag given. Flags are the fields' kebab-case names, YAML keys the snake_case ones.</summary>
internal sealed class ConfigOptions<TConfig>
{
    private readonly IReadOnlyList<ConfigField<TConfig>> _fileFields;
    private readonly List<(ConfigField<TConfig> Field, Option Option)> _options;
    private readonly Option<FileInfo> _config = new("--config") { Description = "YAML file of snake_case keys (flags override it)" };

    /// <summary>`fields` become the flags; `fileFields` (default: the same) are the keys a preset or config file may hold.</summary>
    public ConfigOptions(IReadOnlyList<ConfigField<TConfig>> fields, IReadOnlyList<ConfigField<TConfig>>? fileFields = null)
    {
        _fileFields = fileFields ?? fields;
        _options = [.. fields.Select(f => (f, f.IsSwitch
            ? (Option)new Option<bool>("--" + f.Flag) { Description = f.Description }
            : new Option<string>("--" + f.Flag) { Description = f.Description }))];
    }

    /// <summary>Adds --config and one option per field.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_config);
        foreach (var (_, option) in _options)
            command.Options.Add(option);
    }

    /// <summary>`start` with the preset's YAML (when given), the --config file's, then the flags applied.</summary>
    public TConfig Build(ParseResult parse, TConfig start, string? presetName, string? presetYaml)
    {
        var config = start;
        if (presetYaml is not null)
            config = ConfigFile.Apply(config, presetYaml, $"preset {presetName}", _fileFields);
        if (parse.GetValue(_config) is { } file)
        {
            if (InputFile.Problem("config", file.FullName) is { } problem)
                throw new UsageException(problem);
            config = ConfigFile.Apply(config, File.ReadAllText(file.FullName), file.Name, _fileFields);
        }
        foreach (var (field, option) in _options)
        {
            // a switch not given still has an implicit result (false): only a flag on the command line overrides the files
            if (parse.GetResult(option) is not { Implicit: false })
                continue;
            string text = option is Option<bool> b ? (parse.GetValue(b) ? "true" : "false") : parse.GetValue((Option<string>)option)!;
            config = field.Apply(config, text);
        }
        return config;
    }
}
