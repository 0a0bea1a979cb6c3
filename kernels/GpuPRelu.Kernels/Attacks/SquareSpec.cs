namespace GpuPRelu.Kernels.Attacks;

/// <summary>One Square iteration's uniform parameters: Norm (0 l∞, 2 l2), the square's Side, the image layout Height ×
/// Width (one channel, row-major over D = Height·Width) and the optional input box [Lo, Hi] (HasBox = 1).</summary>
public readonly record struct SquareSpec(int Norm, int Side, int Height, int Width, int HasBox, float Lo, float Hi);
