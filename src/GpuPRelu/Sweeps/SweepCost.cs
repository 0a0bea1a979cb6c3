using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Training;

namespace GpuPRelu.Sweeps;

/// <summary>The plan's napkin math for a batch: device bytes (MemoryPlan's buffers of the largest phase) and flops (2
/// per multiply-add of the D×H products, which dominate), so batches can be split to fit and a run's time estimated.</summary>
public static class SweepCost
{
    /// <summary>Bytes the largest phase of a batch of `networks` networks on `sets` data sets allocates.</summary>
    public static long Bytes(StudyConfig config, int networks, int sets, SweepPhases phases)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.Train;
        var s = new BatchShape(networks, 0, c.InputDim, c.Width, c.Outputs, c.Bias ? 1 : 0, c.NormalizeInput ? 1 : 0);
        long row = MemoryPlan.WorkspaceRowBytes(s) + MemoryPlan.ForwardPartsRowBytes(s);
        long fixedBytes = MemoryPlan.NetworkBytes(s) + MemoryPlan.WorkspaceFixedBytes(s);
        // Trainer: the data sets and shuffle order, Adam's m and v, a step's rows and an evaluation chunk
        int stepRows = c.Optimizer == OptimizerKind.Gd ? c.NTrain : Math.Min(c.BatchSize, c.NTrain);
        int evalRows = Math.Min(2048, Math.Max(c.NTrain, c.NTest));
        long data = sizeof(float) * ((long)sets * (c.NTrain + c.NTest) * (c.InputDim + 3)) + sizeof(int) * (long)sets * c.NTrain;
        long train = fixedBytes + data + 2L * sizeof(float) * s.ParameterCount + MemoryPlan.WorkspaceFixedBytes(s) + (long)(stepRows + evalRows) * row;
        long bytes = train;
        if (phases.HasFlag(SweepPhases.Attack))
        {
            // Pgd: every radius of a chunk of points at once, with the clean rows and ∂loss/∂u beside the Workspace
            long rows = (long)Math.Min(config.PgdPoints, Math.Max(1, (1 << 16) / config.Radii.Count)) * config.Radii.Count;
            bytes = Math.Max(bytes, fixedBytes + rows * (row + sizeof(float) * (long)networks * (2L * c.InputDim + 2)));
        }
        if (phases.HasFlag(SweepPhases.Distance))
        {
            // DistanceEstimate: starts × H cells per network in four buffers, capped at 2^25 cells each
            long cells = Math.Min((long)networks * config.DistStarts * c.Width, 1L << 25);
            long starts = Math.Max(1, Math.Min(config.DistStarts, (1L << 25) / Math.Max(1L, (long)networks * c.Width)));
            bytes = Math.Max(bytes, fixedBytes + 4 * sizeof(float) * cells + starts * row);
        }
        return bytes;
    }

    /// <summary>Flops of one network through the phases: training steps (forward 2DH, backward 4DH per row) and its
    /// evaluations, PGD at every radius and step (forward and input gradient, 4DH per row; an upper bound, as broken
    /// rows stop), the distance ascent against F and F^(p) (4DH per start and step) and its scale samples.</summary>
    public static double Flops(StudyConfig config, SweepPhases phases)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.Train;
        double dh = (double)c.InputDim * c.Width;
        double logs = c.ResolvedEpochs / c.LogEvery + 2;
        double flops = (double)c.ResolvedEpochs * c.NTrain * 6 * dh + logs * (c.NTrain + c.NTest) * 2 * dh;
        if (phases.HasFlag(SweepPhases.Attack))
            flops += (1.0 + config.PgdRestarts) * config.Radii.Count * config.PgdPoints * config.PgdSteps * 4 * dh;
        if (phases.HasFlag(SweepPhases.Distance))
            flops += 2 * ((double)config.DistRepeats * config.DistStarts * config.DistSteps * 4 * dh + config.DistScaleSamples * 2 * dh);
        return flops;
    }
}
