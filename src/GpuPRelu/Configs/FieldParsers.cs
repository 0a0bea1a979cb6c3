using System.Globalization;

namespace GpuPRelu.Configs;

/// <summary>Text → value conversions shared by flags and config files; every failure names the field and the rule.</summary>
public static class FieldParsers
{
    /// <summary>An integer (a size, a count, a seed).</summary>
    public static int Count(string field, string text) =>
        int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException(OutOfRange(text, int.MinValue, int.MaxValue) ? $"{field}: '{text}' is out of range (an integer from {int.MinValue} to {int.MaxValue})"
                : $"{field}: '{text}' is not an integer");

    /// <summary>A 64-bit integer (a bound on networks, a memory size).</summary>
    public static long LargeCount(string field, string text) =>
        long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException(OutOfRange(text, long.MinValue, long.MaxValue) ? $"{field}: '{text}' is out of range (an integer from {long.MinValue} to {long.MaxValue})"
                : $"{field}: '{text}' is not an integer");

    // an integer written in digits that does not fit [min, max]
    private static bool OutOfRange(string text, long min, long max) =>
        System.Numerics.BigInteger.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var big) && (big < min || big > max);

    /// <summary>A finite number.</summary>
    public static double Number(string field, string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new FormatException($"{field}: '{text}' is not a finite number");

    /// <summary>true/false (also yes/no, 1/0).</summary>
    public static bool Switch(string field, string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" or "on" => true,
        "false" or "no" or "0" or "off" => false,
        _ => throw new FormatException($"{field}: '{text}' is not true or false"),
    };

    /// <summary>One of the names given (case-insensitive).</summary>
    public static T Choice<T>(string field, string text, params (string Name, T Value)[] choices)
    {
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
                return value;
        }
        throw new FormatException($"{field}: '{text}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
    }

    /// <summary>Adds "name must be ≥ 1, got value" to `errors` when value &lt; 1.</summary>
    public static void Positive(List<string> errors, string name, int value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value < 1)
            errors.Add($"{name} must be ≥ 1, got {value}");
    }

    /// <summary>Adds the rule checkpoint_minutes breaks, if any: ≥ 0, at most 1e9 (null: no checkpoints).</summary>
    public static void CheckpointMinutes(List<string> errors, double? minutes)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (minutes is { } m && !(m >= 0 && m <= 1e9))
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"checkpoint_minutes must be ≥ 0, got {m} (0: every epoch; at most 1e9)"));
    }

    /// <summary>Adds "name must be ≥ 0, got value" to `errors` when value &lt; 0.</summary>
    public static void NonNegative(List<string> errors, string name, int value)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value < 0)
            errors.Add($"{name} must be ≥ 0, got {value}");
    }
}
