namespace GpuPRelu.Attacks;

/// <summary>Square's schedule and shapes (AutoAttack square.py `p_selection`, the side rules and `eta`; docs/attacks.md
/// §9.4), one channel.</summary>
internal static class SquarePattern
{
    /// <summary>p at 0-based iteration i: p_init halved after iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000.</summary>
    public static double P(int i, double pInit)
    {
        int[] bounds = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
        return pInit / (1 << bounds.Count(b => i > b));
    }

    /// <summary>The square's side for fraction p of Height × Width inputs: l∞ round(√(p·D)) ≥ 1; l2 at least 3 and odd;
    /// at most the smaller side. round is Python's (halves to even).</summary>
    public static int Side(AttackNorm norm, double p, int height, int width)
    {
        int s = (int)Math.Round(Math.Sqrt(p * height * width), MidpointRounding.ToEven);
        if (norm == AttackNorm.L2)
        {
            s = Math.Max(s, 3);
            s += s % 2 == 0 ? 1 : 0;
        }
        return Math.Min(Math.Max(s, 1), Math.Min(height, width));
    }

    /// <summary>η_s (s × s, row-major, unit Frobenius norm, before the transposition coin): R(⌊s/2⌋, s) over −R(s − ⌊s/2⌋, s).</summary>
    public static double[] Eta(int s)
    {
        var eta = new double[s * s];
        int top = s / 2;
        var upper = Rectangle(top, s);
        var lower = Rectangle(s - top, s);
        for (int a = 0; a < s; a++)
        {
            for (int b = 0; b < s; b++)
                eta[a * s + b] = a < top ? upper[a * s + b] : -lower[(a - top) * s + b];
        }
        double norm = Math.Sqrt(eta.Sum(v => v * v));
        return [.. eta.Select(v => v / norm)];
    }

    // R(a, b)_ij = Σ_{k=κ}^{M−1} (k + 1)^−2, κ = max(|i − ⌊a/2⌋|, |j − ⌊b/2⌋|), M = max(⌊a/2⌋, ⌊b/2⌋) + 1, unit norm
    private static double[] Rectangle(int a, int b)
    {
        var r = new double[a * b];
        int last = Math.Max(a / 2, b / 2);
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                int kappa = Math.Max(Math.Abs(i - a / 2), Math.Abs(j - b / 2));
                for (int k = kappa; k <= last; k++)
                    r[i * b + j] += 1.0 / ((k + 1) * (k + 1));
            }
        }
        double norm = Math.Sqrt(r.Sum(v => v * v));
        return norm == 0 ? r : [.. r.Select(v => v / norm)];
    }
}
