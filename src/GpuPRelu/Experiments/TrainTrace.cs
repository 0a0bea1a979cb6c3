using System.Globalization;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu train --trace DIR`: what a twin run in another framework needs to follow the engine step for step
/// (bench/reference/parity.py). DIR/trace.safetensors holds the training data `x` [S, n, D] and labels `y` [S, n] (0/1;
/// label 1 is y = +1 of the binary losses), the mini-batch order `order` [E, S, n] of every epoch (row indices as exact
/// floats; the identity for gd), `set_of` [B] (the data set of each network) and `p` [B], with the optimizer, loss, lr,
/// batch size, epochs and switches in its metadata. DIR/theta_STEP.safetensors (NetworkFile layout) holds θ₀ (step 0),
/// θ after every `every`-th optimizer step and after the last. The order grows as E·S·n: meant for small grids.</summary>
public sealed class TrainTrace
{
    private readonly string _dir;
    private readonly TrainPlan _plan;
    private readonly NetworkBatch _batch;
    private readonly int _every;
    private readonly long _lastStep;

    /// <summary>Writes trace.safetensors at once; θ files follow from OnStep (pass it as the trainer's step hook).</summary>
    public TrainTrace(string dir, int every, TrainPlan plan, NetworkBatch batch, IReadOnlyList<DataSet> train)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(train);
        _dir = dir;
        _plan = plan;
        _batch = batch;
        _every = every;
        _lastStep = StudyExperiment.TotalSteps(plan.Config);
        Directory.CreateDirectory(dir);
        foreach (var stale in Directory.EnumerateFiles(dir, "theta_*.safetensors")) // an overwritten trace keeps none of its steps
            File.Delete(stale);
        WriteData(train);
    }

    /// <summary>The trainer's step hook: writes θ at step 0, every `every` steps and at the last step.</summary>
    public void OnStep(int epoch, long step, double flowTime)
    {
        if (!Watches(step))
            return;
        NetworkFile.Write(ThetaPath(_dir, step), _plan.Shape, _batch.ThetaToHost(), _plan.Config.Center ? _batch.CentersToHost() : null,
            [.. _plan.Networks.Select(n => n.P)], new Dictionary<string, string>
            {
                ["step"] = step.ToString(CultureInfo.InvariantCulture),
                ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>Whether OnStep writes θ after `step`: step 0, every `every`-th and the last.</summary>
    public bool Watches(long step) => step % _every == 0 || step == _lastStep;

    /// <summary>DIR/theta_STEP.safetensors, the step in 8 digits so that the names sort.</summary>
    public static string ThetaPath(string dir, long step) =>
        Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"theta_{step:D8}.safetensors"));

    private void WriteData(IReadOnlyList<DataSet> train)
    {
        var c = _plan.Config;
        int sets = train.Count, n = train[0].Samples, D = train[0].Inputs, epochs = c.ResolvedEpochs;
        var x = new float[(long)sets * n * D];
        var y = new float[sets * n];
        for (int k = 0; k < sets; k++)
        {
            train[k].X.CopyTo(x, (long)k * n * D);
            for (int i = 0; i < n; i++)
                y[k * n + i] = train[k].Y[i];
        }
        var order = new float[(long)epochs * sets * n];
        var seeds = Trainer.SetSeeds(_plan.Networks, sets);
        for (int e = 1; e <= epochs; e++)
        {
            var perm = c.Optimizer == OptimizerKind.Gd ? Enumerable.Range(0, sets * n).Select(i => i % n).ToArray() : Trainer.EpochOrder(seeds, e, n);
            for (int i = 0; i < perm.Length; i++)
                order[(long)(e - 1) * sets * n + i] = perm[i];
        }
        var tensors = new List<SafeTensor>
        {
            new("x", [sets, n, D], x),
            new("y", [sets, n], y),
            new("order", [epochs, sets, n], order),
            new("set_of", [_plan.Networks.Count], [.. _plan.Networks.Select(m => (float)m.DataSet)]),
            new("p", [_plan.Networks.Count], [.. _plan.Networks.Select(m => (float)m.P)]),
        };
        var inv = CultureInfo.InvariantCulture;
        SafeTensors.Write(Path.Combine(_dir, "trace.safetensors"), tensors, new Dictionary<string, string>
        {
            ["format"] = "gpuprelu-trace",
            ["format_version"] = "1",
            ["optimizer"] = c.Optimizer.ToString().ToLowerInvariant(),
            ["loss"] = c.Loss switch { LossKind.Exp => "exp", LossKind.Logistic => "logistic", _ => "ce" },
            ["lr"] = c.Lr.ToString("R", inv),
            ["batch_size"] = (c.Optimizer == OptimizerKind.Gd ? n : Math.Min(c.BatchSize, n)).ToString(inv),
            ["epochs"] = epochs.ToString(inv),
            ["every"] = _every.ToString(inv),
            ["bias"] = c.Bias ? "true" : "false",
            ["normalize_input"] = c.NormalizeInput ? "true" : "false",
            ["center"] = c.Center ? "true" : "false",
        });
    }
}
