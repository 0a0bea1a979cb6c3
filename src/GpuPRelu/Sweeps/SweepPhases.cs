namespace GpuPRelu.Sweeps;

/// <summary>The phases a sweep runs on each batch (the study's pipeline): training always, then any of the alignment of
/// the neurons, the l2 PGD sweep over the radii, and the distance to F and F^(p).</summary>
[Flags]
public enum SweepPhases
{
    Train = 1,
    Alignment = 2,
    Attack = 4,
    Distance = 8,
    All = Train | Alignment | Attack | Distance,
}
