using System.Globalization;
using GpuPRelu.Configs;
using YamlDotNet.RepresentationModel;

namespace GpuPRelu.Sweeps;

/// <summary>Reads a sweep's YAML: the study's keys (StudyFields, snake_case), where a list sweeps the key (alpha and p
/// also take 'start:stop:count'; radii is a list value), and `zip:` — a mapping of equally long lists, or a list of such
/// mappings — for keys that vary together. Unknown and duplicated keys are refused naming the key and line.</summary>
public static class SweepFile
{
    /// <summary>The spec of the YAML text; `source` names it in messages.</summary>
    public static SweepSpec Read(string yaml, string source)
    {
        if (ConfigFile.Root(yaml, source) is not { } root)
            return new SweepSpec();
        var known = StudyFields.All.Select(f => f.Key).ToHashSet();
        var seen = new Dictionary<string, long>();
        var fixedSettings = new List<KeyValuePair<string, string>>();
        var axes = new List<SweepAxis>();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (key == "zip")
            {
                var groups = valueNode is YamlSequenceNode list ? list.Children : [valueNode];
                axes.AddRange(groups.Select(g => Zip(g, source, known, seen)));
                continue;
            }
            Claim(key, keyNode.Start.Line, source, known, seen);
            if (valueNode is YamlSequenceNode seq && !SweepSpec.ListKeys.Contains(key))
                axes.Add(SweepAxis.Of(key, Values(key, Scalars(seq, key, source))));
            else if (key is "alpha" or "p" && Values(key, [Scalar(valueNode, key, source)]) is { Count: > 1 } values)
                axes.Add(SweepAxis.Of(key, values));
            else
                fixedSettings.Add(new(key, valueNode is YamlSequenceNode s ? string.Join(",", Scalars(s, key, source)) : Scalar(valueNode, key, source)));
        }
        return new SweepSpec { Fixed = fixedSettings, Axes = axes };
    }

    /// <summary>Parses a --grid flag "key=v1,v2,…" (alpha and p also 'start:stop:count') into its key and values.</summary>
    public static (string Key, IReadOnlyList<string> Values) ParseGrid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new FormatException($"grid: '{text}' is not key=v1,v2,…");
        var key = text[..eq].Trim().Replace('-', '_');
        if (!StudyFields.All.Any(f => f.Key == key))
            throw new FormatException($"grid: unknown key '{key}' (known: {string.Join(", ", StudyFields.All.Select(f => f.Key))})");
        var raw = text[(eq + 1)..];
        IReadOnlyList<string> values = key is "alpha" or "p" ? [raw] : raw.Split(',', StringSplitOptions.TrimEntries);
        var result = Values(key, values);
        if (result.Count == 0 || result.Any(v => v.Length == 0))
            throw new FormatException($"grid: '{key}' has an empty value in '{text}'");
        return (key, result);
    }

    private static SweepAxis Zip(YamlNode node, string source, HashSet<string> known, Dictionary<string, long> seen)
    {
        if (node is not YamlMappingNode map || map.Children.Count == 0)
            throw new FormatException($"{source}: line {node.Start.Line}: zip must map keys to equally long lists");
        var keys = new List<string>();
        var columns = new List<IReadOnlyList<string>>();
        foreach (var (k, v) in map.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            Claim(key, k.Start.Line, source, known, seen);
            if (SweepSpec.ListKeys.Contains(key))
                throw new FormatException($"{source}: line {k.Start.Line}: '{key}' is a list value and cannot be zipped");
            keys.Add(key);
            columns.Add(Values(key, v is YamlSequenceNode s ? Scalars(s, key, source) : [Scalar(v, key, source)]));
        }
        if (columns.Any(c => c.Count != columns[0].Count))
        {
            throw new FormatException($"{source}: line {node.Start.Line}: zip lists must be equally long, got "
                + string.Join(", ", keys.Zip(columns, (k, c) => $"{k} {c.Count}")));
        }
        return new SweepAxis(keys, [.. Enumerable.Range(0, columns[0].Count).Select(i => (IReadOnlyList<string>)[.. columns.Select(c => c[i])])]);
    }

    // alpha and p lists may hold 'start:stop:count' items; every other value stays as written
    private static List<string> Values(string key, IReadOnlyList<string> items) => key is "alpha" or "p"
        ? [.. items.SelectMany(i => ValueList.Parse(key, i).Select(SweepSpec.Text))]
        : [.. items];

    private static void Claim(string key, long line, string source, HashSet<string> known, Dictionary<string, long> seen)
    {
        if (!known.Contains(key))
            throw new FormatException($"{source}: line {line}: unknown key '{key}' (known: {string.Join(", ", known)}, zip)");
        if (seen.TryGetValue(key, out var first))
            throw new FormatException($"{source}: line {line}: key '{key}' is duplicated (first at line {first})");
        seen[key] = line;
    }

    private static string Scalar(YamlNode node, string key, string source) => node is YamlScalarNode s
        ? s.Value ?? ""
        : throw new FormatException($"{source}: line {node.Start.Line.ToString(CultureInfo.InvariantCulture)}: '{key}' must be a value or a list of values");

    private static List<string> Scalars(YamlSequenceNode seq, string key, string source) => [.. seq.Children.Select(c => Scalar(c, key, source))];
}
