namespace GpuPRelu.Cli;

/// <summary>The named presets of data/presets/*.yaml, embedded in the tool so they work from any folder.</summary>
internal static class Presets
{
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(Presets).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("presets/", StringComparison.Ordinal))
            .Select(n => Path.GetFileNameWithoutExtension(n))
            .Order()];

    public static string Load(string name)
    {
        using var stream = typeof(Presets).Assembly.GetManifestResourceStream($"presets/{name}.yaml")
            ?? throw new UsageException($"preset: '{name}' is not one of {string.Join(", ", Names)}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
