namespace GpuPRelu.IO;

/// <summary>An output folder that cannot be used (OutputFolder): the message is one sentence naming the folder and the
/// rule; the CLI answers it with exit code 2.</summary>
public sealed class OutputFolderException(string message) : Exception(message);
