namespace GpuPRelu.Attacks;

/// <summary>What one attack of an evaluation found: Robust[b][r][i] (monotone in the radius; false where the point was
/// already broken before it ran) and, when asked for, Examples[b][i], the input (not centered) of the adversarial example
/// it found at the smallest radius at which it broke network b's point i (null where it broke none).</summary>
public sealed record AttackOutcome(bool[][][] Robust, float[]?[][]? Examples);
