using GpuPRelu.Data;
using GpuPRelu.IO;

namespace GpuPRelu.Attacks;

/// <summary>An evaluation point by point: where each point broke, by which attack, with which perturbation (points.csv),
/// and the adversarial examples themselves (adversarial.safetensors).</summary>
public static class PerPoint
{
    /// <summary>One row per network and point. The attack that broke a point is the first, in the evaluation's order, that
    /// broke it at its smallest broken radius (later attacks only see what earlier ones left robust).</summary>
    public static List<PointRow> Rows(IReadOnlyList<string> networks, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii,
        bool[][] clean, IReadOnlyList<(string Name, AttackOutcome Outcome)> steps, AttackNorm norm)
    {
        var rows = new List<PointRow>();
        for (int b = 0; b < networks.Count; b++)
        {
            for (int i = 0; i < points[b].Samples; i++)
            {
                var (r, step) = BrokenAt(b, i, radii.Count, clean, steps);
                double? size = step < 0 ? (r < 0 ? null : 0.0) : Norm(Delta(steps[step].Outcome.Examples?[b][i], points[b], i), norm);
                rows.Add(new PointRow(networks[b], i, points[b].Y[i], clean[b][i], r < 0 ? null : radii[r],
                    r < 0 ? "" : step < 0 ? "clean" : steps[step].Name, size));
            }
        }
        return rows;
    }

    /// <summary>x_adv [B, R, n, D]: at every radius from the point's smallest broken radius on, the example found there
    /// (valid at every larger radius: its norm is within the smaller one); the clean point where it stayed robust or was
    /// misclassified clean. Also the radii [R] and broken_at [B, n] (NaN where robust), metadata: attacks and norm.</summary>
    public static void WriteAdversarial(string path, IReadOnlyList<DataSet> points, IReadOnlyList<double> radii, bool[][] clean,
        IReadOnlyList<(string Name, AttackOutcome Outcome)> steps, AttackNorm norm)
    {
        int B = points.Count, R = radii.Count, n = points[0].Samples, D = points[0].Inputs;
        long size = (long)B * R * n * D;
        if (size > Array.MaxLength)
            throw new InvalidOperationException($"adversarial examples: {B} networks × {R} radii × {n} points × {D} inputs exceed one array; attack fewer points (--n)");
        var x = new float[size];
        var brokenAt = new float[B * n];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < n; i++)
            {
                var (r0, step) = BrokenAt(b, i, R, clean, steps);
                brokenAt[b * n + i] = r0 < 0 ? float.NaN : (float)radii[r0];
                var example = step >= 0 ? steps[step].Outcome.Examples![b][i]! : null;
                for (int r = 0; r < R; r++)
                {
                    long row = (((long)b * R + r) * n + i) * D;
                    if (example is not null && r >= r0)
                        Array.Copy(example, 0, x, row, D);
                    else
                        Array.Copy(points[b].X, (long)i * D, x, row, D);
                }
            }
        }
        SafeTensors.Write(path, [new SafeTensor("x_adv", [B, R, n, D], x), new SafeTensor("radii", [R], [.. radii.Select(r => (float)r)]),
            new SafeTensor("broken_at", [B, n], brokenAt)],
            new Dictionary<string, string> { ["attacks"] = string.Join(",", steps.Select(s => s.Name)), ["norm"] = norm.ToString().ToLowerInvariant() });
    }

    // (smallest broken radius index, index of the step that broke it there; −1 for clean), (−1, −1) when robust throughout
    private static (int Radius, int Step) BrokenAt(int b, int i, int radii, bool[][] clean, IReadOnlyList<(string Name, AttackOutcome Outcome)> steps)
    {
        if (!clean[b][i])
            return (0, -1);
        for (int r = 0; r < radii; r++)
        {
            for (int k = 0; k < steps.Count; k++)
            {
                bool before = k == 0 || steps[k - 1].Outcome.Robust[b][r][i];
                if (before && !steps[k].Outcome.Robust[b][r][i])
                    return (r, k);
            }
        }
        return (-1, -1);
    }

    private static double[]? Delta(float[]? example, DataSet set, int i) =>
        example is null ? null : [.. Enumerable.Range(0, set.Inputs).Select(d => (double)example[d] - set.X[(long)i * set.Inputs + d])];

    private static double? Norm(double[]? delta, AttackNorm norm) => delta is null ? null : norm switch
    {
        AttackNorm.Linf => delta.Max(Math.Abs),
        AttackNorm.L1 => delta.Sum(Math.Abs),
        _ => Math.Sqrt(delta.Sum(v => v * v)),
    };
}
