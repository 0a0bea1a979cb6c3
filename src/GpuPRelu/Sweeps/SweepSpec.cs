using System.Globalization;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;

namespace GpuPRelu.Sweeps;

/// <summary>A sweep as written (docs/design.md §5): settings every network shares, and axes whose cross product gives the
/// networks (a `zip:` axis sets several keys together). Keys are the study's YAML keys (StudyFields); p, alpha and seed
/// vary inside a batch, every other key sets the batch. `seeds: N` with a single `seed: s` is the axis s..s+N−1.</summary>
public sealed record SweepSpec
{
    /// <summary>The keys that vary between the networks of one batch (everything else is shared by a batch).</summary>
    public static IReadOnlyList<string> NetworkKeys { get; } = ["p", "alpha", "seed"];

    /// <summary>Keys whose value is itself a list (a YAML list sets it, never sweeps it).</summary>
    public static IReadOnlyList<string> ListKeys { get; } = ["radii"];

    /// <summary>Settings shared by every network, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fixed { get; init; } = [];

    /// <summary>The axes, outermost first.</summary>
    public IReadOnlyList<SweepAxis> Axes { get; init; } = [];

    /// <summary>Networks in the cross product (before any check), saturating at long.MaxValue.</summary>
    public long NetworkCount => Axes.Aggregate(1L, (n, a) => a.Steps.Count == 0 ? 0 : n > long.MaxValue / a.Steps.Count ? long.MaxValue : n * a.Steps.Count);

    /// <summary>Every key the spec sets.</summary>
    public IEnumerable<string> Keys => Fixed.Select(f => f.Key).Concat(Axes.SelectMany(a => a.Keys));

    /// <summary>This spec with `key` swept over `values` (a --grid flag): replaces the key's setting or axis from the file;
    /// a key inside a zip group cannot be replaced alone.</summary>
    public SweepSpec WithAxis(string key, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (Axes.FirstOrDefault(a => a.Keys.Count > 1 && a.Keys.Contains(key)) is { } zip)
            throw new FormatException($"grid: '{key}' is in {zip.Name}; change the zip group in the config instead");
        if (ListKeys.Contains(key))
            throw new FormatException($"grid: '{key}' is a list value, not a sweep axis; set it in the config");
        var steps = key is "alpha" or "p" ? values.SelectMany(v => ValueList.Parse(key, v).Select(Text)).ToList() : values.ToList();
        return steps.Count == 1 ? WithSetting(key, steps[0]) : this with
        {
            Fixed = [.. Fixed.Where(f => f.Key != key)],
            Axes = [.. Axes.Where(a => a.Keys[0] != key), SweepAxis.Of(key, steps)],
        };
    }

    /// <summary>This spec with `key` set to one value for every network (a study flag such as --epochs 10): replaces the
    /// key's setting or axis; alpha and p lists ('a,b' or 'start:stop:count') become axes.</summary>
    public SweepSpec WithSetting(string key, string value)
    {
        if (key is "alpha" or "p" && ValueList.Parse(key, value) is { Length: > 1 } list)
            return WithAxis(key, [.. list.Select(Text)]);
        if (Axes.FirstOrDefault(a => a.Keys.Count > 1 && a.Keys.Contains(key)) is { } zip)
            throw new FormatException($"{key}: it is in {zip.Name}; change the zip group in the config instead");
        return this with { Fixed = [.. Fixed.Where(f => f.Key != key), new(key, value)], Axes = [.. Axes.Where(a => a.Keys[0] != key)] };
    }

    /// <summary>Every network's settings: the fixed ones, then one step of every axis (the last axis varies fastest).</summary>
    public IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> Expand()
    {
        if (NetworkCount == 0)
            yield break;
        var index = new int[Axes.Count];
        while (true)
        {
            var settings = new List<KeyValuePair<string, string>>(Fixed);
            for (int a = 0; a < Axes.Count; a++)
            {
                for (int k = 0; k < Axes[a].Keys.Count; k++)
                    settings.Add(new(Axes[a].Keys[k], Axes[a].Steps[index[a]][k]));
            }
            yield return settings;
            int i = Axes.Count - 1;
            while (i >= 0 && ++index[i] == Axes[i].Steps.Count)
                index[i--] = 0;
            if (i < 0)
                yield break;
        }
    }

    /// <summary>The seeds as an axis: `seeds: N` with one `seed: s` (default 0) becomes the axis s..s+N−1 (the study's
    /// meaning) and every network gets seeds 1. Refuses a seed list beside seeds > 1.</summary>
    public SweepSpec ResolveSeeds()
    {
        // seeds counts the seeds of every network; as an axis it would train the same first seeds again under new ids
        if (Axes.FirstOrDefault(a => a.Keys.Contains("seeds")) is { } counts)
            throw new FormatException($"seeds: {counts.Name} sweeps the number of seeds, which trains the same seeds again; give one count (seeds: 2) or list the seeds themselves (seed: [1, 2])");
        var seedsText = Fixed.LastOrDefault(f => f.Key == "seeds").Value;
        int seeds = seedsText is null ? new TrainConfig().Seeds : FieldParsers.Count("seeds", seedsText);
        var fixedOthers = Fixed.Where(f => f.Key != "seeds").ToList();
        bool seedAxis = Axes.Any(a => a.Keys.Contains("seed"));
        if (seedAxis && seedsText is not null && seeds != 1)
            throw new FormatException($"seeds: a list of seeds is given (seed), so seeds must be 1 or absent, got {seeds}");
        if (seedsText is not null && seeds < 1)
            throw new FormatException($"seeds must be ≥ 1, got {seeds}");
        // counted before the seeds are made into an axis
        if (seeds > ValueList.MaxCount)
            throw new FormatException($"seeds: {seeds} seeds per network; at most {ValueList.MaxCount} (a grid that large is no single run)");
        var axes = Axes.ToList();
        if (!seedAxis)
        {
            var first = fixedOthers.LastOrDefault(f => f.Key == "seed").Value is { } s ? FieldParsers.Count("seed", s) : 0;
            fixedOthers.RemoveAll(f => f.Key == "seed");
            axes.Add(SweepAxis.Of("seed", Enumerable.Range(first, seeds).Select(v => v.ToString(CultureInfo.InvariantCulture))));
        }
        fixedOthers.Add(new("seeds", "1"));
        return this with { Fixed = fixedOthers, Axes = axes };
    }

    /// <summary>A number as the canonical text of a swept value (round-trip, invariant).</summary>
    public static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
