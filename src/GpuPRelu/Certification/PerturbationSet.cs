using GpuPRelu.Attacks;

namespace GpuPRelu.Certification;

/// <summary>The perturbations δ of one point at one radius ε (docs/certify.md §1): the ball ‖δ‖ ≤ ε, and for l∞ with a box
/// also x + δ ∈ [lo, hi] (per coordinate δ_d ∈ [dl_d, du_d]; the box is widened to hold x where x lies outside it). l2 and
/// l1 ignore the box: their ball is a superset, so what holds on it holds in the box. Holds each neuron's pre-activation
/// interval over the set, widened outward by its float64 rounding bound, and minimizes a linear function over the set.</summary>
internal sealed class PerturbationSet
{
    private readonly AttackNorm _norm;
    private readonly double[]? _dl, _du; // [D] the box's per-coordinate offsets (l∞ with a box only)

    public PerturbationSet(MarginNetwork net, PointState point, AttackNorm norm, double? boxLo, double? boxHi, double eps)
    {
        int D = net.Inputs, H = net.Hidden;
        _norm = norm;
        Eps = eps;
        Lo = new double[H];
        Hi = new double[H];
        if (norm == AttackNorm.Linf && boxLo is { } lo && boxHi is { } hi)
        {
            _dl = new double[D];
            _du = new double[D];
            for (int d = 0; d < D; d++)
            {
                double x = point.X[d];
                _dl[d] = Math.Max(-eps, Math.Min(lo, x) - x);
                _du[d] = Math.Min(eps, Math.Max(hi, x) - x);
            }
        }
        for (int j = 0; j < H; j++)
        {
            double down = 0, up = 0;
            if (_dl is null)
                (down, up) = (-eps * net.Dual[j], eps * net.Dual[j]);
            else
            {
                var w = net.W.AsSpan(j * D, D);
                for (int d = 0; d < D; d++)
                {
                    double a = w[d] * _dl![d], b = w[d] * _du![d];
                    down += Math.Min(a, b);
                    up += Math.Max(a, b);
                }
            }
            // outward by the rounding of z0 (D products and sums) and of the offsets: sound for the chords
            double slack = Rounding(D + 8) * (point.AbsDot[j] + eps * net.Dual[j]) + double.Epsilon;
            Lo[j] = point.Z0[j] + down - slack;
            Hi[j] = point.Z0[j] + up + slack;
        }
    }

    public double Eps { get; }

    /// <summary>Lower and upper ends of z_j over the set [H].</summary>
    public double[] Lo { get; }
    public double[] Hi { get; }

    /// <summary>A bound on the relative rounding error of n float64 operations in a chain, with a factor 8 to spare:
    /// 8·n·2^−53.</summary>
    public static double Rounding(int n) => n * Math.ScaleB(1, -50);

    /// <summary>min over the set of ⟨g, δ⟩ in closed form, the minimizer written to delta: −ε‖g‖_* for the ball (l2:
    /// −εg/‖g‖₂; l∞: −ε·sign(g); l1: −ε·sign(g_k)e_k at the largest |g_k|), per coordinate for the l∞ box.</summary>
    public double MinLinear(ReadOnlySpan<double> g, Span<double> delta)
    {
        int D = g.Length;
        delta.Clear();
        if (_dl is not null)
        {
            double sum = 0;
            for (int d = 0; d < D; d++)
            {
                delta[d] = g[d] > 0 ? _dl[d] : g[d] < 0 ? _du![d] : 0;
                sum += g[d] * delta[d];
            }
            return sum;
        }
        switch (_norm)
        {
            case AttackNorm.L2:
            {
                double n = 0;
                foreach (double v in g)
                    n += v * v;
                n = Math.Sqrt(n);
                for (int d = 0; d < D && n > 0; d++)
                    delta[d] = -Eps * g[d] / n;
                return -Eps * n;
            }
            case AttackNorm.Linf:
            {
                double n = 0;
                for (int d = 0; d < D; d++)
                {
                    n += Math.Abs(g[d]);
                    delta[d] = -Eps * Math.Sign(g[d]);
                }
                return -Eps * n;
            }
            default:
            {
                int k = 0;
                for (int d = 1; d < D; d++)
                    k = Math.Abs(g[d]) > Math.Abs(g[k]) ? d : k;
                delta[k] = -Eps * Math.Sign(g[k]);
                return -Eps * Math.Abs(g[k]);
            }
        }
    }
}
