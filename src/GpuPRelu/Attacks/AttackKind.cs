namespace GpuPRelu.Attacks;

/// <summary>An attack `gpuprelu attack` runs, alone or in a sequence; its name on the command line and in
/// robust_accuracy.csv is AttackNames.Name.</summary>
public enum AttackKind
{
    /// <summary>The paper's l2 PGD (runs alone).</summary>
    Pgd,

    /// <summary>APGD on the cross-entropy (the margin loss for one output).</summary>
    ApgdCe,

    /// <summary>APGD on the DLR loss (≥ 3 classes).</summary>
    ApgdDlr,

    /// <summary>APGD on the targeted DLR loss, one run per target class.</summary>
    ApgdT,

    /// <summary>FAB-T: the targeted minimal-norm attack (one run per target class).</summary>
    FabT,

    /// <summary>The Square attack (score-based, no gradients).</summary>
    Square,

    /// <summary>AutoAttack's standard sequence for the norm (AttackConfig.Standard); alone only.</summary>
    Standard,
}
