namespace GpuPRelu.IO;

/// <summary>NaN or infinite values found in one tensor of one network of a networks file (NetworkFile.NonFinite).</summary>
public sealed record NonFiniteValues(string File, int Network, string Tensor, int Count, long Length)
{
    /// <summary>One sentence naming the file, the network index, the tensor and the count.</summary>
    public override string ToString() => $"{File}: network {Network}: {Tensor} holds {Count} NaN or infinite value(s) of {Length}";
}
