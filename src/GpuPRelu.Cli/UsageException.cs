namespace GpuPRelu.Cli;

/// <summary>Bad input found at the boundary (flags, config, files): exit code 2, one message per broken rule.</summary>
internal sealed class UsageException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public UsageException(string error) : this([error])
    {
    }

    public IReadOnlyList<string> Errors { get; } = errors;
}
