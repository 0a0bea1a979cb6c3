namespace GpuPRelu.Kernels.Attacks;

/// <summary>Column offsets of the per-row APGD scalars, packed as state[row·Width + column] (docs/attacks.md §2.2 and
/// §7): the step size η, the best loss, the best loss at the last checkpoint, the previous loss, the count of loss
/// increases in the current window and the "reduced at the last checkpoint" flag (counts and flags are exact in float);
/// for l1 also the fraction of coordinates a step moves (topk) and the previous checkpoint's sparsity ‖x_best − x0‖₀.</summary>
public static class ApgdState
{
    public const int Eta = 0;
    public const int LossBest = 1;
    public const int LossBestCheckpoint = 2;
    public const int LossPrev = 3;
    public const int Increases = 4;
    public const int Reduced = 5;
    public const int TopK = 6;
    public const int SparsityOld = 7;
    public const int Width = 8;
}
