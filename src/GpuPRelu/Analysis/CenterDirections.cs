using GpuPRelu.Models;

namespace GpuPRelu.Analysis;

/// <summary>The unit directions neurons are compared with (docs/design.md §1): [μ̄₊, μ̄₋, μ_1, …, μ_K] as a [K + 2, D]
/// row-major array, with their names as they appear in the CSVs (mu_bar_pos, mu_bar_neg, mu_1 … mu_K, 1-based like
/// the paper).</summary>
public sealed class CenterDirections
{
    /// <summary>Builds the directions from the subclass centers mu ([K, D] row-major, orthonormal rows), K1 positive.</summary>
    public CenterDirections(double[] mu, int inputs, int subclasses, int positiveSubclasses)
    {
        ArgumentNullException.ThrowIfNull(mu);
        if (mu.Length != subclasses * inputs)
            throw new ArgumentException($"mu has {mu.Length} values; K {subclasses} × D {inputs} needs {subclasses * inputs}", nameof(mu));
        ArgumentOutOfRangeException.ThrowIfLessThan(positiveSubclasses, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(positiveSubclasses, subclasses);
        Inputs = inputs;
        Subclasses = subclasses;
        PositiveSubclasses = positiveSubclasses;
        Rows = new double[(subclasses + 2) * inputs];
        for (int d = 0; d < inputs; d++)
        {
            Rows[d] = IdealClassifier.Average(mu, inputs, subclasses, positiveSubclasses, true, d);
            Rows[inputs + d] = IdealClassifier.Average(mu, inputs, subclasses, positiveSubclasses, false, d);
        }
        mu.CopyTo(Rows, 2 * inputs);
    }

    public int Inputs { get; }
    public int Subclasses { get; }
    public int PositiveSubclasses { get; }

    /// <summary>Number of directions, K + 2.</summary>
    public int Count => Subclasses + 2;

    /// <summary>[K + 2, D]: μ̄₊, μ̄₋, then μ_1..μ_K.</summary>
    public double[] Rows { get; }

    /// <summary>Direction i is a class average (0, 1) rather than a subclass center (2..K+1).</summary>
    public static bool IsAverage(int i) => i < 2;

    /// <summary>Direction i belongs to the positive class: μ̄₊ or μ_k with k ≤ K1.</summary>
    public bool IsPositive(int i) => i == 0 || (i >= 2 && i - 2 < PositiveSubclasses);

    /// <summary>CSV name of direction i.</summary>
    public static string Name(int i) => i switch
    {
        0 => "mu_bar_pos",
        1 => "mu_bar_neg",
        _ => $"mu_{i - 1}",
    };

    /// <summary>Index of a direction from its CSV name, the inverse of Name.</summary>
    public static int IndexOf(string name) => name switch
    {
        "mu_bar_pos" => 0,
        "mu_bar_neg" => 1,
        _ when name.StartsWith("mu_", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= 1 => k + 1,
        _ => throw new FormatException($"'{name}' is not a center name (mu_bar_pos, mu_bar_neg or mu_k with k ≥ 1)"),
    };
}
