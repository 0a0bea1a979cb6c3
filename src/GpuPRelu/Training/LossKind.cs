namespace GpuPRelu.Training;

/// <summary>The training loss (docs/design.md §1); the values are the LossGradient kernel's codes.</summary>
public enum LossKind
{
    Exp = 0,
    Logistic = 1,
    CrossEntropy = 2,
}
