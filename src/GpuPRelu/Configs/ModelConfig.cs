namespace GpuPRelu.Configs;

/// <summary>The networks a run trains as one batch (TrainConfig, RealConfig): the pReLU degrees p, each once (seeds or
/// repeats give more networks of one p), and the hidden width h.</summary>
public sealed record ModelConfig(IReadOnlyList<double> P, int Width)
{
    /// <summary>Every rule this part breaks, each naming the field (snake_case); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var e = new List<string>(DegreeErrors(P));
        if (P.Distinct().Count() != P.Count)
            e.Add($"p must not repeat a value (seeds or repeats give more networks of one p), got {string.Join(",", P)}");
        FieldParsers.Positive(e, "width", Width);
        return e;
    }

    /// <summary>The rules of a list of degrees p, also where p is given per network of a file (attack, evaluate): at
    /// least one value, each ≥ 1 and finite.</summary>
    public static IEnumerable<string> DegreeErrors(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count == 0)
            yield return "p must list at least one value";
        foreach (var v in p.Where(v => !(v >= 1) || double.IsInfinity(v)))
            yield return $"p must be ≥ 1 and finite, got {v}";
    }
}
