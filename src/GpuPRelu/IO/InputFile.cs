namespace GpuPRelu.IO;

/// <summary>The rule every input path follows, checked before any work: it names an existing file, not a folder.</summary>
public static class InputFile
{
    /// <summary>null when `path` is an existing file; otherwise one sentence naming `field`, the path and the rule.</summary>
    public static string? Problem(string field, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            return $"{field}: '{path}' is a folder; give a file";
        return File.Exists(path) ? null : $"{field}: file '{path}' does not exist";
    }

    /// <summary>Throws FileNotFoundException (no such path) or InvalidDataException (a folder), the message starting with
    /// the path, unless `path` is an existing file.</summary>
    public static void Require(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new InvalidDataException($"{path}: is a folder; give a file");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file", path);
    }
}
