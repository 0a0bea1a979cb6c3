namespace GpuPRelu.Attacks;

/// <summary>How an entry of the attack catalog (AttackKind.All) may be asked for.</summary>
public enum AttackPlacement
{
    /// <summary>Only on its own (`--attack pgd`, `--attack standard`).</summary>
    Alone,

    /// <summary>On its own or in a comma list, each attack of the list on the points the ones before left robust.</summary>
    AloneOrInList,

    /// <summary>Never asked for by `--attack`: a bound that is computed, not searched for, whose rows robust_accuracy.csv
    /// names (the exact radius of an ideal classifier, a certified lower bound).</summary>
    Bound,
}
