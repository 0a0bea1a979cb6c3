using System.Globalization;

namespace GpuPRelu.Configs;

/// <summary>Lists of numbers as the CLI and the config files write them: "0.1,0.2,0.5" or "start:stop:count" for
/// count evenly spaced values from start to stop inclusive (numpy's linspace).</summary>
public static class ValueList
{
    /// <summary>The most values start:stop:count may ask for (checked before any is made).</summary>
    public const int MaxCount = 100_000;

    /// <summary>count values from start to stop inclusive.</summary>
    public static double[] Linspace(double start, double stop, int count) =>
        count == 1 ? [start] : [.. Enumerable.Range(0, count).Select(i => start + (stop - start) * i / (count - 1))];

    /// <summary>A list as Parse reads it back: "start:stop:count" for Linspace's values (three or more), else "a,b,c".</summary>
    public static string Format(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        static string N(double v) => v.ToString(CultureInfo.InvariantCulture);
        return values.Count >= 3 && values.SequenceEqual(Linspace(values[0], values[^1], values.Count))
            ? $"{N(values[0])}:{N(values[^1])}:{values.Count}"
            : string.Join(",", values.Select(N));
    }

    /// <summary>Parses a list; throws FormatException naming the field and the rule.</summary>
    public static double[] Parse(string field, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length == 3)
        {
            if (!TryNumber(parts[0], out var start) || !TryNumber(parts[1], out var stop)
                || !int.TryParse(parts[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 1)
                throw new FormatException($"{field}: '{text}' is not start:stop:count with numbers and an integer count ≥ 1");
            if (count > MaxCount)
                throw new FormatException($"{field}: '{text}' asks for {count} values; at most {MaxCount} (a grid that large is no single run)");
            return Linspace(start, stop, count);
        }
        if (parts.Length != 1)
            throw new FormatException($"{field}: '{text}' must be a comma-separated list or start:stop:count");
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!TryNumber(items[i], out values[i]))
                throw new FormatException($"{field}: '{items[i]}' is not a number (lists are 'a,b,c' or 'start:stop:count')");
        }
        return values;
    }

    private static bool TryNumber(string s, out double value) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
