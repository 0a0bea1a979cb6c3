namespace GpuPRelu.Kernels;

/// <summary>Shape of one launch over a batch of networks: B networks, M samples (rows) per network, D inputs,
/// H hidden units, C outputs. HasBias and NormalizeInput are 0 or 1 (kernel arguments carry no bool).</summary>
public readonly record struct BatchShape(
    int Networks, int Samples, int Inputs, int Hidden, int Outputs, int HasBias, int NormalizeInput)
{
    /// <summary>Offset of V in the packed parameter buffer [W (B·D·H) | V (B·H·C) | b (B·C)].</summary>
    public int VOffset => Networks * Inputs * Hidden;

    /// <summary>Offset of the bias in the packed parameter buffer.</summary>
    public int BiasOffset => VOffset + Networks * Hidden * Outputs;

    /// <summary>Length of the packed parameter buffer.</summary>
    public int ParameterCount => BiasOffset + Networks * Outputs;

    /// <summary>The same shape with another number of rows (a mini-batch, an evaluation chunk).</summary>
    public BatchShape WithSamples(int samples) => this with { Samples = samples };
}
