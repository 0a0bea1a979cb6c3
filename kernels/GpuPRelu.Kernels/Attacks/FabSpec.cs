namespace GpuPRelu.Kernels.Attacks;

/// <summary>One FAB step's constants (docs/attacks.md §9.3): Norm 0 (l∞), 1 (l1) or 2 (l2), the overshoot η (1.05), the
/// largest weight α_max (0.1) of the clean point's projection, and an optional box [Lo, Hi] on x = u + center (HasBox 0 or
/// 1; l1 needs one).</summary>
public readonly record struct FabSpec(int Norm, float Eta, float AlphaMax, int HasBox, float Lo, float Hi);
