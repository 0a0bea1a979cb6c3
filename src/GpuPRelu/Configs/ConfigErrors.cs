namespace GpuPRelu.Configs;

/// <summary>The engine's boundary check of a config: every *Experiment.Run refuses an invalid config the same way before
/// any work and before writing into its output folder, so the engine is safe to call without the CLI.</summary>
public static class ConfigErrors
{
    /// <summary>Throws ArgumentException naming `paramName` with every error of `errors` ("; " between them), when any.</summary>
    public static void ThrowIfAny(IReadOnlyList<string> errors, string paramName)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), paramName);
    }
}
