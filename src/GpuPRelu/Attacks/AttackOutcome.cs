namespace GpuPRelu.Attacks;

/// <summary>What one attack of an evaluation found: Robust[b][r][i] (monotone in the radius; false where the point was
/// already broken before it ran) and, when asked for, Examples[b][i], the input (not centered) of the adversarial example
/// it found at the smallest radius at which it broke network b's point i (null where it broke none). A minimal-norm attack
/// (FAB-T) also gives Norms[b][i]: the smallest perturbation norm it found per point (an upper bound on the point's radius;
/// 0 where misclassified clean, +∞ where it found none or did not attack the point).</summary>
public sealed record AttackOutcome(bool[][][] Robust, float[]?[][]? Examples, double[][]? Norms = null);
