namespace GpuPRelu.Attacks;

/// <summary>The threat model's norm (the value is what the PGD and APGD kernels read).</summary>
public enum AttackNorm
{
    Linf = 0,
    L1 = 1,
    L2 = 2,
}
