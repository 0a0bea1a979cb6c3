namespace GpuPRelu.IO;

/// <summary>The content of one IDX file of unsigned bytes: its dimensions (outermost first) and the row-major data.</summary>
public sealed record IdxArray(int[] Dims, byte[] Data)
{
    /// <summary>The first dimension: the number of images or labels.</summary>
    public int Count => Dims[0];
}
