using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GpuPRelu.Configs;

/// <summary>Reads a YAML config: a mapping of snake_case keys to scalars or lists, applied field by field onto a config.</summary>
public static class ConfigFile
{
    /// <summary>Applies the YAML text's keys onto `config`. Unknown keys, wrong types and malformed YAML throw
    /// FormatException naming the source, the key (and line) and the rule.</summary>
    public static TConfig Apply<TConfig>(TConfig config, string yaml, string source, IReadOnlyList<ConfigField<TConfig>> fields)
    {
        if (Root(yaml, source) is not { } root)
            return config;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var field = fields.FirstOrDefault(f => f.Key == key)
                ?? throw new FormatException($"{source}: line {keyNode.Start.Line}: unknown key '{key}' (known: {string.Join(", ", fields.Select(f => f.Key))})");
            string text = valueNode switch
            {
                YamlScalarNode s => s.Value ?? "",
                YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode) =>
                    string.Join(",", seq.Children.Select(c => ((YamlScalarNode)c).Value)),
                _ => throw new FormatException($"{source}: line {valueNode.Start.Line}: '{key}' must be a value or a list of values"),
            };
            try
            {
                config = field.Apply(config, text);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{source}: line {valueNode.Start.Line.ToString(CultureInfo.InvariantCulture)}: {ex.Message}", ex);
            }
        }
        return config;
    }

    /// <summary>The top-level mapping of a YAML text (null for an empty text); malformed YAML and any other top level
    /// throw FormatException naming the source (and line).</summary>
    public static YamlMappingNode? Root(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{source}: malformed YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's parser meets some malformed streams (found by the parser fuzz test) in a state it does not
            // name: the place is where its last whole event ended, and the one such stream known is content after '...'
            var (line, column) = Stop(yaml);
            var end = yaml.Split('\n').Select((l, i) => (l.TrimEnd('\r'), i + 1)).FirstOrDefault(x => x.Item1 == "...").Item2;
            var what = end > 0 ? $"'...' on line {end} ends the document and text follows it (a config is one document: remove the '...')"
                : $"the parser could not continue ({ex.Message})";
            throw new FormatException($"{source}: malformed YAML at line {line}, column {column}: {what}", ex);
        }
        if (stream.Documents.Count == 0)
            return null;
        if (stream.Documents.Count > 1)
            throw new FormatException($"{source}: line {stream.Documents[1].RootNode.Start.Line}: a second YAML document ('---'); a config is one mapping of keys to values");
        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new FormatException($"{source}: the top level must be a mapping of keys to values");
        foreach (var key in root.Children.Keys.Where(k => k is not YamlScalarNode))
            throw new FormatException($"{source}: line {key.Start.Line}, column {key.Start.Column}: a key must be a name, not a {(key is YamlSequenceNode ? "list" : "mapping")}");
        return root;
    }

    // the line and column where the parser's last whole event ended (1-based)
    private static (long Line, long Column) Stop(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
                last = parser.Current!.End;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // stops where the load stopped
        }
        return (Math.Max(1, last.Line), Math.Max(1, last.Column));
    }
}
