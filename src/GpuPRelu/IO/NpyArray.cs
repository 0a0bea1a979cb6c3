namespace GpuPRelu.IO;

/// <summary>The content of one .npy file: its shape and its values, row-major, widened to float64.</summary>
public sealed record NpyArray(int[] Shape, double[] Data);
