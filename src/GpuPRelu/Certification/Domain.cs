namespace GpuPRelu.Certification;

/// <summary>A split of neuron k: Side +1 keeps z_k ≥ At, −1 keeps z_k ≤ At (a half-space of δ).</summary>
internal readonly record struct Split(int Neuron, int Side, double At);

/// <summary>One branch of a branch-and-bound search: its splits, each neuron's pre-activation interval within them, the
/// bound's parameters (a tangent point per neuron for p &gt; 1, a lower slope for p = 1; a multiplier β ≥ 0 per split)
/// and the best sound bound found for it.</summary>
internal sealed class Domain
{
    public Domain(double[] lo, double[] hi, double[] alpha)
    {
        Lo = lo;
        Hi = hi;
        Alpha = alpha;
    }

    public List<Split> Splits { get; } = [];
    public double[] Lo { get; }
    public double[] Hi { get; }
    public double[] Alpha { get; private set; }
    public double[] Beta { get; private set; } = [];
    public double Bound { get; private set; } = double.NegativeInfinity;

    /// <summary>Whether some interval is empty: no perturbation of the set reaches this branch.</summary>
    public bool Empty => Lo.Zip(Hi).Any(q => q.First > q.Second);

    /// <summary>Keeps the parameters of a better bound.</summary>
    public void Offer(double bound, double[] alpha, double[] beta)
    {
        if (bound <= Bound)
            return;
        Bound = bound;
        Alpha = (double[])alpha.Clone();
        Beta = (double[])beta.Clone();
    }

    /// <summary>The branch with one more split (its multiplier starting at 0), the interval of the split neuron cut there.</summary>
    public Domain Child(Split split)
    {
        var child = new Domain((double[])Lo.Clone(), (double[])Hi.Clone(), (double[])Alpha.Clone());
        child.Splits.AddRange(Splits);
        child.Splits.Add(split);
        child.Beta = [.. Beta, 0];
        if (split.Side > 0)
            child.Lo[split.Neuron] = Math.Max(child.Lo[split.Neuron], split.At);
        else
            child.Hi[split.Neuron] = Math.Min(child.Hi[split.Neuron], split.At);
        return child;
    }
}
