using System.CommandLine;
using System.Globalization;
using System.Text;
using GpuPRelu.Cli;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Renders docs/cli.md from the `gpuprelu` command tree (Verbs.Root): every verb's options as its help shows
/// them, the config fields' defaults and YAML keys from their tables, the hand-declared options with their defaults.</summary>
internal static class CliReference
{
    /// <summary>The command that rewrites docs/cli.md (the page says it, the test's failure message too).</summary>
    public const string Rewrite =
        "GPUPRELU_WRITE_DOCS=1 dotnet test --project tests/GpuPRelu.Tests -c Release -- --filter-class GpuPRelu.Tests.Cli.DocsTests";

    public static string Render()
    {
        var root = Verbs.Root();
        var md = new StringBuilder();
        md.Append("# The `gpuprelu` command line\n\n")
            .Append("<!-- Generated from the commands' options by tests/GpuPRelu.Tests/Fixtures/CliReference.cs; edit the field tables\n")
            .Append("     (src/GpuPRelu/Configs/*Fields.cs, src/GpuPRelu/Sweeps/SweepFields.cs) or the verb's options instead, then run\n")
            .Append("     ").Append(Rewrite).Append(" -->\n\n")
            .Append("Every option of every verb, as `gpuprelu VERB --help` prints it. An option with a YAML key is a config field: a\n")
            .Append("preset (`--preset`, files in data/presets/) or `--config FILE.yaml` may set it by that key, and the flag overrides\n")
            .Append("both. Lists are comma-separated (`--p 1,2,3`) or `start:stop:count` for evenly spaced values (`--alpha 0.01:0.3:15`);\n")
            .Append("a switch is given alone (`--bias`) or as `--bias true|false`. Every verb also takes `--verbose` (stack traces of\n")
            .Append("errors). Exit codes: 0 success, 2 usage or validation error (before any work), 1 runtime failure, 130 / 143\n")
            .Append("cancelled by SIGINT / SIGTERM.\n\n")
            .Append("| verb | what |\n|---|---|\n");
        foreach (var verb in root.Subcommands)
            md.Append(CultureInfo.InvariantCulture, $"| [`{verb.Name}`](#gpuprelu-{verb.Name}) | {Cell(verb.Description)} |\n");
        foreach (var verb in root.Subcommands)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## gpuprelu {verb.Name}\n\n{verb.Description}\n\n");
            foreach (var argument in verb.Arguments)
                md.Append(CultureInfo.InvariantCulture, $"Arguments: `{argument.Name}`: {argument.Description}\n\n");
            var options = verb.Options.Where(o => !o.Hidden).ToList();
            md.Append(options.Count == 0 ? "No options.\n" : "| option | YAML key | meaning |\n|---|---|---|\n");
            foreach (var option in options)
                md.Append(CultureInfo.InvariantCulture, $"| `{option.Name}` | {Key(option)} | {Cell(Meaning(option))} |\n");
        }
        return md.ToString();
    }

    private static string Key(Option option)
    {
        var type = option.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FieldOption<>)
            ? $"`{type.GetProperty(nameof(FieldOption<int>.Key))!.GetValue(option)}`"
            : "";
    }

    // a field's description already ends in its default; a hand option's default comes from its factory
    private static string Meaning(Option option)
    {
        string text = option.Description ?? "";
        if (option.Required)
            text += " (required)";
        if (!text.Contains("[default:", StringComparison.Ordinal) && option.HasDefaultValue
            && option.GetDefaultValue() is { } value and not false)
            text += $" [default: {Convert.ToString(value, CultureInfo.InvariantCulture)}]";
        return text;
    }

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
