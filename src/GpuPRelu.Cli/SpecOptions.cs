using System.CommandLine;
using GpuPRelu.Experiments;
using GpuPRelu.Sweeps;

namespace GpuPRelu.Cli;

/// <summary>The study's fields as flags of `gpuprelu sweep` (the same names as fig2's): each flag given sets its key to
/// one value for every network, over the preset or config file; --grid sweeps a key instead.</summary>
internal sealed class SpecOptions
{
    private readonly List<(ConfigField<StudyConfig> Field, Option Option)> _options = [.. StudyFields.All.Select(f => (f, f.IsSwitch
        ? (Option)new Option<bool>("--" + f.Flag) { Description = f.Description }
        : new Option<string>("--" + f.Flag) { Description = f.Description }))];

    public void AddTo(Command command)
    {
        foreach (var (_, option) in _options)
            command.Options.Add(option);
    }

    /// <summary>`spec` with every flag given on the command line applied (later flags of the list after earlier ones).</summary>
    public SweepSpec Apply(ParseResult parse, SweepSpec spec)
    {
        foreach (var (field, option) in _options)
        {
            // a switch not given still has an implicit result (false): only a flag on the command line overrides the files
            if (parse.GetResult(option) is not { Implicit: false })
                continue;
            string text = option is Option<bool> b ? (parse.GetValue(b) ? "true" : "false") : parse.GetValue((Option<string>)option)!;
            spec = spec.WithSetting(field.Key, text);
        }
        return spec;
    }
}
