using GpuPRelu.Models;

namespace GpuPRelu.Analysis;

/// <summary>Records neuron directions and norms of chosen networks at chosen steps of training (paper Fig. 1: the early
/// alignment phase, where directions turn while norms stay near the init scale, then the growth phase). Pass
/// `OnStep` as the Trainer's onStep hook; each chosen step copies θ to the host once.</summary>
public sealed class NeuronDynamics
{
    private readonly NetworkBatch _net;
    private readonly IReadOnlyList<CenterDirections> _centers;
    private readonly HashSet<long> _steps;
    private readonly int[] _networks;
    private readonly List<DynamicsRow> _rows = [];

    /// <summary>Snapshots of `networks` (indices into the batch; all when null) at the given optimizer steps (step 0 is
    /// the initialization); centers[b] are network b's center directions.</summary>
    public NeuronDynamics(NetworkBatch net, IReadOnlyList<CenterDirections> centers, IEnumerable<long> steps,
        IReadOnlyList<int>? networks = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentNullException.ThrowIfNull(steps);
        if (centers.Count != net.Shape.Networks)
            throw new ArgumentException($"{centers.Count} center sets for {net.Shape.Networks} networks", nameof(centers));
        _net = net;
        _centers = centers;
        _steps = [.. steps];
        _networks = networks is null ? [.. Enumerable.Range(0, net.Shape.Networks)] : [.. networks];
        if (_networks.FirstOrDefault(b => b < 0 || b >= net.Shape.Networks, -1) is var bad and >= 0)
            throw new ArgumentOutOfRangeException(nameof(networks), $"network {bad} is not in the batch of {net.Shape.Networks}");
        if (_steps.Any(s => s < 0))
            throw new ArgumentOutOfRangeException(nameof(steps), "snapshot steps must be ≥ 0");
    }

    /// <summary>The rows recorded so far, in snapshot order.</summary>
    public IReadOnlyList<DynamicsRow> Rows => _rows;

    /// <summary>Hears the rows of each snapshot as it is taken (a run that checkpoints keeps them beside its checkpoint).</summary>
    public Action<IReadOnlyList<DynamicsRow>>? OnSnapshot { get; set; }

    /// <summary>Takes back the rows of snapshots an earlier, interrupted run took (whole snapshots, in step order): they
    /// are the first rows, and their steps are not taken again (a resumed training calls OnStep at its checkpoint's step).</summary>
    public void Restore(IEnumerable<DynamicsRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            _rows.Add(row);
            _steps.Remove(row.Step);
        }
    }

    /// <summary>Whether `step` is one of the chosen steps (the Trainer's `watches`).</summary>
    public bool Watches(long step) => _steps.Contains(step);

    /// <summary>The Trainer's onStep hook: takes a snapshot when `step` is one of the chosen steps.</summary>
    public void OnStep(int epoch, long step, double flowTime)
    {
        if (!_steps.Contains(step))
            return;
        var theta = _net.ThetaToHost();
        int first = _rows.Count;
        foreach (int b in _networks)
        {
            var n = _net.Networks[b];
            var c = _centers[b];
            var g = NeuronGeometry.Of(_net.Shape, theta, b, c);
            for (int j = 0; j < g.Norm.Length; j++)
            {
                var (nearest, cos) = g.Nearest(j);
                double maxSubclass = double.NegativeInfinity;
                for (int i = 2; i < c.Count; i++)
                    maxSubclass = Math.Max(maxSubclass, g.Cos(j, i));
                _rows.Add(new DynamicsRow(n.Index, n.P, n.Alpha, n.Seed, epoch, step, flowTime, j, g.Norm[j], g.V[j],
                    g.Contribution[j], CenterDirections.Name(nearest), cos, g.Cos(j, 0), g.Cos(j, 1), maxSubclass));
            }
        }
        OnSnapshot?.Invoke(_rows[first..]);
    }

    /// <summary>Rows per snapshot: one per neuron of each chosen network.</summary>
    public int RowsPerSnapshot => _networks.Length * _net.Shape.Hidden;

    /// <summary>`count` steps from 0 to `lastStep`, evenly spaced in log(1 + step) so the short alignment phase at the
    /// start is resolved as well as the long growth phase (0 and lastStep included, duplicates removed).</summary>
    public static IReadOnlyList<long> LogSpacedSteps(long lastStep, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastStep);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        double top = Math.Log(1 + lastStep);
        return [.. Enumerable.Range(0, count).Select(i => (long)Math.Round(Math.Exp(top * i / (count - 1)) - 1)).Distinct()];
    }

    /// <summary>The optimizer steps nearest to the given flow times t = step·lr.</summary>
    public static IReadOnlyList<long> StepsAt(IEnumerable<double> flowTimes, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(flowTimes);
        return [.. flowTimes.Select(t => (long)Math.Round(t / learningRate)).Distinct()];
    }
}
