namespace GpuPRelu.Attacks;

/// <summary>The norms' names as flags, config files and CSV rows write them.</summary>
public static class AttackNorms
{
    /// <summary>Every norm with its name, in help order.</summary>
    public static IReadOnlyList<(string Name, AttackNorm Norm)> All { get; } =
        [("l2", AttackNorm.L2), ("linf", AttackNorm.Linf), ("l1", AttackNorm.L1)];

    /// <summary>The name of a norm (l2, linf, l1).</summary>
    public static string Name(AttackNorm norm) => All.First(n => n.Norm == norm).Name;
}
