namespace GpuPRelu.IO;

/// <summary>One named float32 tensor of a safetensors file: row-major data of the given shape (a scalar has an empty shape).</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data);
