namespace GpuPRelu.Kernels.Attacks;

/// <summary>The minimal-norm step from a point t onto the plane ⟨w, t + δ⟩ = ⟨w, t⟩ + r within the box (FabProjection):
/// every coordinate moves in the direction Sign·sign(w_j) by a magnitude m_j ∈ [0, cap_j], cap_j its room to the box
/// (+∞ without one). l2: m_j = min(Mu·|w_j|, cap_j); l∞: m_j = min(Mu, cap_j) where w_j ≠ 0; l1: m_j = cap_j where
/// |w_j| &gt; Mu, Fill·cap_j where Lo &lt; |w_j| ≤ Mu, else 0. Mu = +∞ (l1: Mu = Lo = −1) when the plane is out of the box's
/// reach: every coordinate then goes to its cap.</summary>
public readonly record struct FabPlane(float Sign, float Mu, float Lo, float Fill);
