using System.Globalization;
using GpuPRelu.Kernels;
using GpuPRelu.Models;

namespace GpuPRelu.Analysis;

/// <summary>The rows of one alignment analysis: every neuron, the cosine matrix of the dominant neurons, one summary per
/// network (neurons.csv, cosines.csv, alignment.csv).</summary>
public sealed record AlignmentResult(IReadOnlyList<NeuronRow> Neurons, IReadOnlyList<CosineRow> Cosines,
    IReadOnlyList<AlignmentRow> Summary);

/// <summary>Neuron alignment of trained networks (docs/design.md §1, paper Fig. 2b–d): contributions |v_j|·‖w_j‖, the dominant
/// neurons (AlignmentOptions), their cosines with [μ̄₊, μ̄₋, μ_1..μ_K] and per network how many align with a subclass
/// center or a class average. Host code over θ: one pass over H·D·(K + 2) per network.</summary>
public static class NeuronAlignment
{
    /// <summary>Analyses every network of `net` (θ copied to the host); centers[b] are network b's center directions.</summary>
    public static AlignmentResult Analyze(NetworkBatch net, IReadOnlyList<CenterDirections> centers, AlignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(net);
        return Analyze(net.Shape, net.ThetaToHost(), net.Networks, centers, options);
    }

    /// <summary>Analyses every network of a packed host θ; centers[b] are network b's center directions.</summary>
    public static AlignmentResult Analyze(BatchShape shape, float[] theta, IReadOnlyList<NetworkInfo> networks,
        IReadOnlyList<CenterDirections> centers, AlignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        if (networks.Count != shape.Networks || centers.Count != shape.Networks)
            throw new ArgumentException($"{networks.Count} network descriptions and {centers.Count} center sets for {shape.Networks} networks", nameof(centers));
        if (theta.Length != shape.ParameterCount)
            throw new ArgumentException($"theta has {theta.Length} values; the shape needs {shape.ParameterCount}", nameof(theta));
        if (centers.FirstOrDefault(c => c.Inputs != shape.Inputs) is { } bad)
            throw new ArgumentException($"center directions of D {bad.Inputs} for networks of D {shape.Inputs}", nameof(centers));
        var perNetwork = new (List<NeuronRow>, List<CosineRow>, AlignmentRow)[shape.Networks];
        Parallel.For(0, shape.Networks, b =>
            perNetwork[b] = AnalyzeOne(NeuronGeometry.Of(shape, theta, b, centers[b]), networks[b], centers[b], options));
        return new AlignmentResult([.. perNetwork.SelectMany(x => x.Item1)], [.. perNetwork.SelectMany(x => x.Item2)],
            [.. perNetwork.Select(x => x.Item3)]);
    }

    /// <summary>Neuron indices by decreasing contribution (ties by index), and how many of them (a prefix) are dominant:
    /// those with contribution ≥ fraction × the largest (at least one).</summary>
    public static (int[] Order, int Dominant) DominantNeurons(double[] contribution, double fraction)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        int[] order = [.. Enumerable.Range(0, contribution.Length).OrderByDescending(j => contribution[j]).ThenBy(j => j)];
        if (order.Length == 0)
            return (order, 0);
        double threshold = fraction * contribution[order[0]];
        int count = 1;
        while (count < order.Length && contribution[order[count]] >= threshold)
            count++;
        return (order, count);
    }

    private static (List<NeuronRow>, List<CosineRow>, AlignmentRow) AnalyzeOne(NeuronGeometry g, NetworkInfo n,
        CenterDirections centers, AlignmentOptions o)
    {
        int H = g.Norm.Length;
        double total = g.Contribution.Sum();
        bool diverged = !double.IsFinite(total);
        var (order, dominant) = DominantNeurons(g.Contribution, o.DominantFraction);
        if (diverged)
            dominant = 0;
        var rank = new int[H];
        for (int r = 0; r < H; r++)
            rank[order[r]] = r + 1;

        var neurons = new List<NeuronRow>(H);
        for (int j = 0; j < H; j++)
        {
            var (nearest, cos) = g.Nearest(j);
            neurons.Add(new NeuronRow(n.Index, n.P, n.Alpha, n.Seed, j, rank[j], g.Norm[j], g.V[j], g.Contribution[j],
                total > 0 ? g.Contribution[j] / total : 0, rank[j] <= dominant, CenterDirections.Name(nearest), cos));
        }

        var cosines = new List<CosineRow>(dominant * g.Directions);
        int subclassAligned = 0, averageAligned = 0, unaligned = 0, signConsistent = 0;
        double minCos = double.PositiveInfinity, dominantSum = 0;
        var covered = new HashSet<int>();
        var nearestCount = new SortedDictionary<int, int>();
        for (int r = 0; r < dominant; r++)
        {
            int j = order[r];
            dominantSum += g.Contribution[j];
            for (int i = 0; i < g.Directions; i++)
                cosines.Add(new CosineRow(n.Index, n.P, n.Alpha, n.Seed, j, r + 1, CenterDirections.Name(i), i, g.Cos(j, i)));
            var (nearest, cos) = g.Nearest(j);
            minCos = Math.Min(minCos, cos);
            nearestCount[nearest] = nearestCount.GetValueOrDefault(nearest) + 1;
            if ((g.V[j] > 0) == centers.IsPositive(nearest))
                signConsistent++;
            bool bySubclass = false, byAverage = false;
            for (int i = 0; i < g.Directions; i++)
            {
                if (g.Cos(j, i) < o.AlignCosine)
                    continue;
                if (CenterDirections.IsAverage(i))
                    byAverage = true;
                else
                {
                    bySubclass = true;
                    covered.Add(i);
                }
            }
            subclassAligned += bySubclass ? 1 : 0;
            averageAligned += byAverage ? 1 : 0;
            unaligned += bySubclass || byAverage ? 0 : 1;
        }
        var list = diverged ? "diverged" : string.Join(" ", nearestCount.Select(kv =>
            string.Create(CultureInfo.InvariantCulture, $"{CenterDirections.Name(kv.Key)}:{kv.Value}")));
        var summary = new AlignmentRow(n.Index, n.P, n.Alpha, n.Seed, H, dominant, total > 0 ? dominantSum / total : 0,
            subclassAligned, averageAligned, unaligned, signConsistent, covered.Count, dominant > 0 ? minCos : double.NaN, list);
        return (neurons, cosines, summary);
    }
}
