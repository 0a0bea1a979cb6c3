namespace GpuPRelu.Analysis;

/// <summary>How neurons are called dominant and aligned (docs/design.md §1, "Neuron alignment").
/// DominantFraction: a neuron is dominant when its contribution |v_j|·‖w_j‖ is at least this fraction of the network's
/// largest one. The rule needs no absolute scale (contributions grow without bound under the exponential loss) and
/// separates the grown neurons from the many that stayed near the init scale. A cumulative-share rule (the smallest set
/// holding 90% of the total) was tried and rejected: p = 1 networks have a long tail of half-grown neurons that are still
/// turning toward μ̄±, and a share rule pulls them in (cos 0.93–0.95 at 0.5% of the total after the quick preset's 30
/// epochs), while every neuron above a tenth of the largest is aligned.
/// AlignCosine: a neuron is aligned with a center when the cosine of w_j with it is at least this (the paper's 0.95).</summary>
public sealed record AlignmentOptions
{
    public double DominantFraction { get; init; } = 0.1;
    public double AlignCosine { get; init; } = 0.95;

    /// <summary>Every rule these options break, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>();
        if (!(DominantFraction > 0 && DominantFraction <= 1))
            e.Add($"dominant_fraction must be in (0, 1], got {DominantFraction}");
        if (!(AlignCosine > 0 && AlignCosine <= 1))
            e.Add($"align_cosine must be in (0, 1], got {AlignCosine}");
        return e;
    }
}
