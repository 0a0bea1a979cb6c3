using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Attacks;

/// <summary>An evaluation as AutoAttack runs it (docs/attacks.md §9.1): a sequence of attacks, each on the (network,
/// radius, point) rows the attacks before it left robust, so a point's verdict is its worst case over all of them.</summary>
public static class Evaluation
{
    /// <summary>Runs `attacks` in order; each gets the robust flags [b][r][i] left by the ones before (null for the first)
    /// and returns its outcome. Returns every attack's outcome: its Robust is the robust accuracy after it (AutoAttack's
    /// "robust accuracy after X"), the last one the ensemble's. An attack after which no row is robust ends the sequence
    /// early; the attacks left then report the same flags. `finished` (when given) receives each outcome as its attack
    /// ends, so a caller keeps the finished attacks when a later one is cancelled.</summary>
    public static IReadOnlyList<(string Name, AttackOutcome Outcome)> Run(IReadOnlyList<(string Name, Func<bool[][][]?, AttackOutcome> Attack)> attacks,
        Action<string>? log = null, ICollection<(string Name, AttackOutcome Outcome)>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(attacks);
        var steps = new List<(string, AttackOutcome)>();
        bool[][][]? robust = null;
        foreach (var (name, attack) in attacks)
        {
            if (robust is not null && robust.All(net => net.All(radius => !radius.Any(x => x))))
            {
                steps.Add((name, new AttackOutcome(robust, null)));
                finished?.Add(steps[^1]);
                continue;
            }
            var started = DateTime.UtcNow;
            var outcome = attack(robust);
            robust = outcome.Robust;
            steps.Add((name, outcome));
            finished?.Add(steps[^1]);
            int left = robust.Sum(net => net.Sum(radius => radius.Count(x => x)));
            log?.Invoke($"{name}: {left} (network, radius, point) rows still robust, {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        }
        return steps;
    }

    /// <summary>clean[b][i]: network b classifies its point i correctly (first argmax = label; one output y·f &gt; 0).</summary>
    public static bool[][] CleanCorrect(NetworkBatch net, IReadOnlyList<DataSet> points)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(points);
        AttackRows.Check(net, points, [0.0]);
        int B = net.Shape.Networks, D = net.Shape.Inputs, n = points[0].Samples;
        var clean = Enumerable.Range(0, B).Select(_ => new bool[n]).ToArray();
        int chunk = AttackRows.ChunkSize(net, n, 1, 1 << 16, 0, "clean accuracy");
        var centers = net.CentersToHost();
        var loss = net.Shape.Outputs == 1 ? LossKind.Logistic : LossKind.CrossEntropy;
        for (int first = 0; first < n; first += chunk)
        {
            int m = Math.Min(chunk, n - first);
            var (u0, ym, _) = AttackRows.Build(B, D, points, [0.0], centers, first, m);
            using var ws = new Workspace(net, m);
            ws.U.Slice(0, u0.Length).CopyFromHost(u0);
            ws.Ym.Slice(0, ym.Length).CopyFromHost(ym);
            ws.ColumnNorms();
            ws.ForwardRows(net.Shape.WithSamples(m), loss, 1f);
            var correct = ActiveRows.Download<float>(ws.Correct.View, (long)B * m);
            for (int b = 0; b < B; b++)
            {
                for (int i = 0; i < m; i++)
                    clean[b][first + i] = correct[b * m + i] != 0f;
            }
        }
        return clean;
    }
}
