namespace GpuPRelu.Sweeps;

/// <summary>One axis of a sweep: the keys it sets (one, or several for a `zip:` group, which vary together) and its
/// steps, Steps[i][k] being the text value of Keys[k] at step i.</summary>
public sealed record SweepAxis(IReadOnlyList<string> Keys, IReadOnlyList<IReadOnlyList<string>> Steps)
{
    /// <summary>An axis of one key.</summary>
    public static SweepAxis Of(string key, IEnumerable<string> values) => new([key], [.. values.Select(v => (IReadOnlyList<string>)[v])]);

    /// <summary>"width" or "zip(width, lr)", for messages.</summary>
    public string Name => Keys.Count == 1 ? Keys[0] : $"zip({string.Join(", ", Keys)})";
}
