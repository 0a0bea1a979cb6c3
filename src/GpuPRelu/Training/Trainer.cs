using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.Kernels;
using GpuPRelu.Kernels.Training;
using GpuPRelu.Models;
using GpuPRelu.Random;

namespace GpuPRelu.Training;

/// <summary>Trains every network of a batch together: the step (Steps: gather, forward, loss, backward, update) runs as one
/// launch sequence for the whole batch, or on the managed CPU path as each network's steps on one core, with host work
/// only for the shuffles and at log points.</summary>
public static class Trainer
{
    /// <summary>Trains `net` in place on its data sets (network b reads trainSets[net.Networks[b].DataSet]) and
    /// returns the metrics of every log point, epoch 0 (the initialization) included. `onLog` sees each log point's
    /// rows as they are computed, with the fraction of the work done. `onStep` sees (epoch, step, flow time) before the
    /// first step (step 0) and after every update, when θ holds that step's parameters (snapshots, NeuronDynamics).
    /// With options.Checkpoint set, the state after an epoch is saved when CheckpointOptions says, and a call whose folder
    /// already holds a checkpoint of this batch (`net` as it was when that run started: same shape, networks, options,
    /// data and starting θ; anything else is refused with InvalidDataException) resumes from it: θ, Adam's moments, the
    /// step, the diverged flags and the metrics so far are restored, so the returned metrics and the final θ are
    /// bit-identical to an uninterrupted run on the same device. On a resume, `onLog` first sees the restored log points
    /// again, in order and with their fractions, as a fresh run showed them (while θ already holds the checkpoint's
    /// parameters: a caller that reads the network in onLog gets the checkpoint's θ for them), and `onStep` is called
    /// once with the restored (epoch, step, flow time) instead of (0, 0, 0): the steps before it are not replayed, so a
    /// hook that must see every step (NeuronDynamics) has to keep its own state or train without checkpoints. With
    /// `watches`, onStep sees only the first call and the steps it returns true for, and the steps between may run without
    /// stopping (the managed CPU path trains each network on its own core for whole runs of steps: the same θ).</summary>
    public static IReadOnlyList<NetworkMetrics> Train(NetworkBatch net, IReadOnlyList<DataSet> trainSets,
        IReadOnlyList<DataSet> testSets, TrainingOptions options,
        Action<IReadOnlyList<NetworkMetrics>, double>? onLog = null, Action<int, long, double>? onStep = null,
        Func<long, bool>? watches = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Checkpoint?.Validate() is { Count: > 0 } errors)
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        var checkpoint = options.Checkpoint is { } c ? TrainingCheckpoint.For(c, net, trainSets, testSets, options) : null;
        var dev = net.Device;
        int[] setOf = [.. net.Networks.Select(n => n.DataSet)];
        using var train = new DeviceData(dev, trainSets, setOf);
        using var test = new DeviceData(dev, testSets, setOf);
        int n = train.Samples;
        int stepRows = options.Optimizer == OptimizerKind.Gd ? n : Math.Min(options.BatchSize, n);
        var (stepFits, evalRows) = PlanRows(net.Shape, net.Device.MemoryBudget, (train.Sets, n), (test.Sets, test.Samples), options);
        using var ws = new Workspace(net, stepFits);
        using var eval = new Workspace(net, evalRows);
        using var order = dev.Allocate<int>((long)train.Sets * n);
        using var m = dev.Allocate<float>(net.Shape.ParameterCount);
        using var v = dev.Allocate<float>(net.Shape.ParameterCount);
        m.Clear();
        v.Clear();
        var setSeed = SetSeeds(net.Networks, train.Sets);

        var all = new List<NetworkMetrics>();
        var diverged = new bool[net.Shape.Networks];
        long step = 0;
        // the gradient-flow time of the steps taken so far: t = step·lr (NeuronDynamics reads its snapshots by it)
        double FlowTime() => step * options.Lr;
        void Log(int epoch)
        {
            // the first and last log points see every row; those between, LogRows of each set where it is set
            int? subset = epoch == 0 || epoch == options.Epochs ? null : options.LogRows;
            var rows = Evaluate(net, eval, train, test, options.Loss, epoch, step, FlowTime(), diverged, subset);
            all.AddRange(rows);
            onLog?.Invoke(rows, (double)epoch / options.Epochs);
        }

        // the managed CPU path runs whole epochs one network per core where no hook needs θ between steps; the hook sees
        // every step of the launches over the batch, and the steps it watches of the per-network runs
        bool perNetwork = (onStep is null || watches is not null) && ws.RunsTrainSteps;
        bool Sees(long at) => onStep is not null && (!perNetwork || watches!(at));
        bool adam = options.Optimizer == OptimizerKind.Adam;
        int first = 1;
        if (checkpoint?.Read() is { } saved)
        {
            net.Theta.CopyFromHost(saved.Theta);
            if (saved.AdamM is not null && saved.AdamV is not null)
            {
                m.CopyFromHost(saved.AdamM);
                v.CopyFromHost(saved.AdamV);
            }
            (step, first) = (saved.Step, saved.Epoch + 1);
            saved.Diverged.CopyTo(diverged, 0);
            all.AddRange(saved.Metrics);
            foreach (var point in saved.Metrics.GroupBy(r => r.Epoch))
                onLog?.Invoke([.. point], (double)point.Key / options.Epochs);
            onStep?.Invoke(saved.Epoch, step, FlowTime());
        }
        else
        {
            Log(0);
            onStep?.Invoke(0, 0, FlowTime());
        }
        for (int epoch = first; epoch <= options.Epochs; epoch++)
        {
            var rowOrder = train.Identity.View;
            if (options.Optimizer != OptimizerKind.Gd)
            {
                order.CopyFromHost(EpochOrder(setSeed, epoch, n));
                rowOrder = order.View;
            }
            var batch = new BatchRows(net, ws, train, rowOrder, options, m.View, v.View);
            for (int done = 0, steps = (n + stepRows - 1) / stepRows; done < steps;)
            {
                // up to the epoch's end or the next step the hook sees, whichever comes first
                int run = 1;
                while (done + run < steps && !Sees(step + run))
                    run++;
                var schedule = new StepSchedule(n, done * stepRows, run, stepRows, (int)options.Loss, (float)options.Lr,
                    step + 1, adam);
                if (perNetwork)
                    ws.EachNetwork(train, rowOrder, schedule, m.View, v.View, rows => Steps(rows, schedule, cancel));
                else
                    Steps(batch, schedule, cancel);
                cancel.ThrowIfCancellationRequested();
                (step, done) = (step + run, done + run);
                if (Sees(step))
                    onStep!(epoch, step, FlowTime());
            }
            if (epoch % options.LogEvery == 0 || epoch == options.Epochs)
                Log(epoch);
            if (checkpoint is not null && checkpoint.Due(epoch, options.Epochs))
            {
                checkpoint.Write(new TrainingCheckpoint.State(epoch, step, net.ThetaToHost(), adam ? m.ToHost() : null,
                    adam ? v.ToHost() : null, [.. diverged], [.. all]), net.Device.Description);
            }
        }
        return all;
    }

    /// <summary>The shuffle seed of each data set: the seed of the first network that reads it.</summary>
    public static long[] SetSeeds(IReadOnlyList<NetworkInfo> networks, int sets)
    {
        ArgumentNullException.ThrowIfNull(networks);
        return [.. Enumerable.Range(0, sets).Select(k => (long)networks.First(x => x.DataSet == k).Seed)];
    }

    /// <summary>The row order [S, n] of an sgd or adam epoch (1-based): each data set's own permutation, drawn anew every
    /// epoch (the reshuffling DataLoader of the reference); mini-batches are consecutive runs of it, the last one shorter
    /// when the batch size does not divide n (drop_last = false).</summary>
    public static int[] EpochOrder(IReadOnlyList<long> setSeeds, int epoch, int n)
    {
        ArgumentNullException.ThrowIfNull(setSeeds);
        var perm = new int[setSeeds.Count * n];
        Parallel.For(0, setSeeds.Count, k =>
            CounterRandom.Permutation(setSeeds[k], RandomPurpose.Shuffle, epoch, n).CopyTo(perm, k * n));
        return perm;
    }

    /// <summary>The step's rows (all of them, or the batch is refused) and the evaluation's rows per chunk (as many of
    /// EvalRows as fit) of a batch of shape `s` trained by `options` on `train` and `test` (sets × samples each) within
    /// `budget` bytes, beside the batch, the data sets, the shuffle order and Adam's m, v. From the sizes alone, so a
    /// caller plans a run before any work (the CLI before the output folder exists).</summary>
    /// <exception cref="InsufficientMemoryException">Not one step fits; the message names the sizes.</exception>
    public static (int Step, int Eval) PlanRows(BatchShape s, long budget, (int Sets, int Samples) train, (int Sets, int Samples) test,
        TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = train.Samples;
        int stepRows = options.Optimizer == OptimizerKind.Gd ? n : Math.Min(options.BatchSize, n);
        int evalRows = Math.Min(options.EvalRows, Math.Max(n, test.Samples));
        long data = sizeof(float) * ((long)(train.Sets * (long)train.Samples + test.Sets * (long)test.Samples) * (s.Inputs + 3) + 2L * s.Networks)
            + sizeof(int) * (long)train.Sets * train.Samples + 2L * sizeof(float) * s.ParameterCount;
        long left = budget - data;
        int step = MemoryPlan.Rows(s, left, 0, stepRows, stepRows, "training step");
        left -= MemoryPlan.WorkspaceFixedBytes(s) + step * MemoryPlan.WorkspaceRowBytes(s);
        return (step, MemoryPlan.Rows(s, left, 0, evalRows, 1, "training evaluation"));
    }

    /// <summary>A run of optimizer steps (docs/design.md §1, training): each on the next `StepRows` rows of every network's order of its set
    /// (the last ones fewer), the column norms, the forward pass and the loss as a mean over the rows, the backward pass
    /// and the update. Stops between steps when `cancel` is set (the caller throws).</summary>
    private static void Steps(ITrainingRows rows, StepSchedule schedule, CancellationToken cancel)
    {
        for (int step = 0; step < schedule.Steps && !cancel.IsCancellationRequested; step++)
        {
            int offset = schedule.Offset + step * schedule.StepRows;
            int n = Math.Min(schedule.StepRows, schedule.RowsPerSet - offset);
            rows.Gather(offset, n);
            rows.ColumnNorms();
            rows.Forward(n, new LossSpec(schedule.Loss, 1f / n));
            rows.Backward(n);
            rows.Update(n, schedule.FirstStep + step);
        }
    }

    /// <summary>Every network's rows of a step at once, by launches over the batch.</summary>
    private sealed class BatchRows(NetworkBatch net, Workspace ws, DeviceData data, DeviceView<int> order, TrainingOptions options,
        DeviceView<float> m, DeviceView<float> v) : ITrainingRows
    {
        private Kernels.BatchShape _s;

        public void Gather(int offset, int rows) => _s = ws.Gather(data, order, offset, rows);

        public void ColumnNorms() => ws.ColumnNorms();

        public void Forward(int rows, LossSpec loss) => ws.ForwardRows(_s, loss);

        public void Backward(int rows) => ws.Backward(_s);

        public void Update(int rows, long t) => Trainer.Update(net, ws, options, t, m, v);
    }

    private static void Update(NetworkBatch net, Workspace ws, TrainingOptions o, long step, DeviceView<float> m, DeviceView<float> v)
    {
        var k = net.Device.Kernels;
        if (o.Optimizer != OptimizerKind.Adam)
        {
            k.Sgd((float)o.Lr, net.Theta.View, ws.DTheta.View);
            return;
        }
        // PyTorch Adam defaults (β1 0.9, β2 0.999, ε 1e-8); bias corrections in float64 on the host
        k.Adam(AdamStep.At((float)o.Lr, step), net.Theta.View, ws.DTheta.View, m, v);
    }

    private static List<NetworkMetrics> Evaluate(NetworkBatch net, Workspace eval, DeviceData train, DeviceData test,
        LossKind loss, int epoch, long step, double flowTime, bool[] diverged, int? rows)
    {
        eval.ColumnNorms();
        var (trainLoss, trainAcc) = MeanLossAndAccuracy(eval, train, loss, rows);
        var (testLoss, testAcc) = MeanLossAndAccuracy(eval, test, loss, rows);
        var metrics = new List<NetworkMetrics>(net.Shape.Networks);
        for (int b = 0; b < net.Shape.Networks; b++)
        {
            diverged[b] |= !double.IsFinite(trainLoss[b]);
            metrics.Add(new NetworkMetrics(b, epoch, step, flowTime, trainLoss[b], trainAcc[b], testLoss[b], testAcc[b], diverged[b]));
        }
        return metrics;
    }

    /// <summary>Mean loss and accuracy of every network over the first `rows` rows of its data set (all when null), in
    /// chunks of the workspace's rows.</summary>
    internal static (double[] Loss, double[] Accuracy) MeanLossAndAccuracy(Workspace ws, DeviceData data, LossKind loss,
        int? rows = null)
    {
        int networks = (int)data.SetOf.Length, n = Math.Min(rows ?? data.Samples, data.Samples);
        var lossSum = new double[networks];
        var correct = new double[networks];
        for (int offset = 0; offset < n; offset += ws.Rows)
        {
            int chunk = Math.Min(ws.Rows, n - offset);
            var s = ws.Forward(data, data.Identity.View, offset, chunk, loss, 1f);
            var sums = ws.RowSums(s);
            for (int b = 0; b < networks; b++)
            {
                lossSum[b] += sums[2 * b];
                correct[b] += sums[2 * b + 1];
            }
        }
        return ([.. lossSum.Select(x => x / n)], [.. correct.Select(x => x / n)]);
    }
}
