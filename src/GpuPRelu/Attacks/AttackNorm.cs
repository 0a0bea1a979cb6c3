namespace GpuPRelu.Attacks;

/// <summary>The threat model's norm (the value is what the PGD kernel reads).</summary>
public enum AttackNorm
{
    Linf = 0,
    L2 = 2,
}
