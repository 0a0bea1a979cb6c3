namespace GpuPRelu.Attacks;

/// <summary>Square's start (docs/attacks.md §9.4): l∞ x0 + ε·σ with one sign per column (vertical stripes); l2 tiles of
/// side ⌊H/5⌋ from offset ⌊(H − 5·⌊H/5⌋)/2⌋, each η (a coin transposes it) times a sign, the whole scaled to norm ε; then
/// the box. `uniform(b, point, slot)` gives the start's draws: the same at every radius.</summary>
internal static class SquareStart
{
    public static float[] Rows(SquareOptions o, float[] u0, float[] radius, float[] centers, int networks, int m, int inputs, int first,
        Func<int, int, int, double> uniform)
    {
        int D = inputs;
        var (h, w) = SquareOptions.Layout(D);
        (double, double)? box = o.BoxLo is { } lo ? (lo, o.BoxHi!.Value) : null;
        return AttackRows.Start(u0, radius, centers, box, networks, m, D, first, (b, point) =>
            o.Norm == AttackNorm.Linf ? Stripes(h, w, slot => uniform(b, point, slot)) : Tiles(h, w, slot => uniform(b, point, slot)));
    }

    // unit l∞ offset: ±1, one sign per column
    private static double[] Stripes(int h, int w, Func<int, double> uniform)
    {
        var t = new double[h * w];
        for (int c = 0; c < w; c++)
        {
            double sign = uniform(c) > 0.5 ? 1 : -1;
            for (int r = 0; r < h; r++)
                t[r * w + c] = sign;
        }
        return t;
    }

    // unit l2 offset: the tiles of η_{s0} (slots 2k: coin, 2k + 1: sign of tile k), normalized by (‖δ‖ + 1e-12)
    private static double[] Tiles(int h, int w, Func<int, double> uniform)
    {
        int s0 = h / 5, offset = (h - 5 * s0) / 2;
        var eta = SquarePattern.Eta(s0);
        var t = new double[h * w];
        // AutoAttack's tiles: h/s0 rows and w/s0 columns of them from (offset, offset), cut at the image's edge
        for (int th = 0, k = 0; th < h / s0; th++)
        {
            for (int tw = 0; tw < w / s0; tw++, k++)
            {
                int vh = offset + th * s0, vw = offset + tw * s0;
                bool transpose = uniform(2 * k) > 0.5;
                double sign = uniform(2 * k + 1) > 0.5 ? 1 : -1;
                for (int a = 0; a < s0 && vh + a < h; a++)
                {
                    for (int b = 0; b < s0 && vw + b < w; b++)
                        t[(vh + a) * w + vw + b] += sign * (transpose ? eta[b * s0 + a] : eta[a * s0 + b]);
                }
            }
        }
        double norm = Math.Sqrt(t.Sum(v => v * v)) + 1e-12;
        return [.. t.Select(v => v / norm)];
    }
}
