using System.Diagnostics;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Kernels;
using GpuPRelu.Models;

namespace GpuPRelu.Sweeps;

/// <summary>`sweep --plan`'s time estimate, calibrated on the device by short runs of the plan's own batches
/// (docs/sweeps.md, "How long it takes"). Each phase's time is a fixed part plus a cost per unit (an epoch of training,
/// an attacked point, an ascent step); both are measured by running the batch with the plan's networks, data sizes and
/// radii at two small counts (k and 2k: the difference is k units, the rest is fixed), on the smallest and the largest
/// batch of the plan, and drawn for the batches between as a line in the batch's work per unit. PGD stops the rows it
/// breaks, so a point costs what the networks' robustness leaves: the calibration attacks, for every step, the ideal
/// classifiers the study's networks approach (F for p = 1, F^(p) for p &gt; 1, in the batch's width), which break about
/// where the trained networks do. A process pays its compilation once (WarmUp).</summary>
public sealed class PlanEstimate
{

    private readonly Dictionary<string, (double Fixed, double PerIteration)> _low, _high;
    private readonly double _lowWork, _highWork;

    private PlanEstimate(Shape low, Shape high, double warmUp, double calibration)
    {
        (_low, _high, _lowWork, _highWork) = (low.Phases, high.Phases, low.Work, high.Work);
        WarmUp = warmUp;
        CalibrationSeconds = calibration;
    }

    /// <summary>Seconds a process spends once, on its first batch (compilation and first use of the kernels).</summary>
    public double WarmUp { get; }

    /// <summary>Seconds the calibration took.</summary>
    public double CalibrationSeconds { get; }

    /// <summary>The estimated seconds of each phase of `batch` ("setup" and "commit" included), in run order.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases(SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        double t = (Work(batch.Config, batch.Networks.Count) - _lowWork) / Math.Max(_highWork - _lowWork, 1e-30);
        t = _highWork > _lowWork ? Math.Clamp(t, 0, double.PositiveInfinity) : 0.5;
        var result = new List<(string, double)>();
        foreach (var (phase, low) in _low)
        {
            if (!_high.TryGetValue(phase, out var high))
                high = low;
            double fixedPart = Math.Max(0, low.Fixed + t * (high.Fixed - low.Fixed));
            double perIteration = Math.Max(0, low.PerIteration + t * (high.PerIteration - low.PerIteration));
            result.Add((phase, fixedPart + perIteration * Iterations(batch.Config, phase)));
        }
        return result;
    }

    /// <summary>The estimated seconds of `batch` (without WarmUp).</summary>
    public double Seconds(SweepBatch batch) => Phases(batch).Sum(p => p.Seconds);

    /// <summary>Calibrates on `device` by running the plan's smallest and largest batch (by work) shortened, in a
    /// temporary folder that is removed after; `log` hears each run.</summary>
    public static PlanEstimate Measure(SweepPlan plan, ComputeDevice device, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(device);
        var clock = Stopwatch.StartNew();
        var ordered = plan.Batches.OrderBy(b => Work(b.Config, b.Networks.Count)).ToList();
        var (smallest, largest) = (ordered[0], ordered[^1]);
        var dir = Path.Combine(Path.GetTempPath(), $"gpuprelu-plan-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var phases = plan.Options.Phases;
            // the first run pays the compilation: run the smallest batch's short form once before measuring
            double first = Run(plan, smallest, phases, 1, device, dir, cancel).Timing.Seconds;
            log?.Invoke($"calibrating on {device.Description}: batch {smallest.Name} and {largest.Name}, shortened");
            var low = Fit(plan, smallest, phases, device, dir, cancel, out double lowShort);
            var high = largest == smallest ? low : Fit(plan, largest, phases, device, dir, cancel, out _);
            return new PlanEstimate(low, high, Math.Max(0, first - lowShort), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    // a batch's work per phase iteration that sets its cost: flops per epoch, PGD step and ascent step together
    private static double Work(StudyConfig config, int networks) =>
        networks * (double)config.Train.InputDim * config.Train.Width * (config.Train.NTrain + config.Radii.Count * config.PgdPoints + config.DistStarts);

    // the iterations of a phase in `config`: epochs (an evaluation counted as the epochs its rows weigh), PGD steps,
    // ascent steps; 0 for a phase of a fixed cost
    private static double Iterations(StudyConfig config, string phase)
    {
        var c = config.Train;
        return phase switch
        {
            "train" => c.ResolvedEpochs + (c.ResolvedEpochs / c.LogEvery + 2) * (c.NTrain + c.NTest) * 2.0 / (6.0 * c.NTrain),
            "attack" => config.PgdPoints,
            "distance" => config.DistSteps,
            _ => 0,
        };
    }

    private sealed record Shape(double Work, Dictionary<string, (double Fixed, double PerIteration)> Phases);

    // two shortened runs of `batch` (k and 2k iterations): per phase, the cost of an iteration and the rest
    private static Shape Fit(SweepPlan plan, SweepBatch batch, SweepPhases phases, ComputeDevice device, string dir, CancellationToken cancel,
        out double shortSeconds)
    {
        var (once, oneConfig) = Run(plan, batch, phases, 1, device, dir, cancel);
        var (twice, twoConfig) = Run(plan, batch, phases, 2, device, dir, cancel);
        shortSeconds = once.Seconds;
        var fits = new Dictionary<string, (double, double)>();
        foreach (var (phase, a) in once.Phases)
        {
            double b = twice.Phases.TryGetValue(phase, out var t) ? t : a;
            fits[phase] = Line(Iterations(oneConfig, phase), a, Iterations(twoConfig, phase), b);
        }
        // the commit: the batch's time outside its phases (keying the CSVs, summary.csv, batch.json, the rename)
        fits["commit"] = (Math.Max(0, (once.Rest + twice.Rest) / 2), 0);
        return new Shape(Work(batch.Config, batch.Networks.Count), fits);
    }

    /// <summary>The fixed part and the cost per unit through (units1, seconds1) and (units2, seconds2), neither below
    /// 0 (a noisy pair leans on the fixed part); with equal units, the mean as a fixed cost.</summary>
    internal static (double Fixed, double PerUnit) Line(double units1, double seconds1, double units2, double seconds2)
    {
        if (!(units2 > units1))
            return ((seconds1 + seconds2) / 2, 0);
        double per = Math.Max(0, (seconds2 - seconds1) / (units2 - units1));
        return (Math.Max(0, seconds1 - per * units1), per);
    }

    private sealed record Timing(double Seconds, IReadOnlyDictionary<string, double> Phases, double Rest);

    // the batch shortened to `scale` (1 or 2) tenths of its epochs, attacked points and ascent steps (within bounds that
    // keep a tenth measurable and a paper-sized run's calibration short), run through the sweep's phases with its
    // networks replaced by the ideal classifiers after training; the attack runs its every step
    private static (Timing Timing, StudyConfig Config) Run(SweepPlan plan, SweepBatch batch, SweepPhases phases, int scale, ComputeDevice device,
        string dir, CancellationToken cancel)
    {
        var c = batch.Config;
        int epochs = Math.Min(c.Train.ResolvedEpochs, scale * Math.Clamp(c.Train.ResolvedEpochs / 10, 2, 20));
        var config = c with
        {
            Train = c.Train with { Epochs = epochs, FlowTime = null, LogEvery = epochs },
            PgdPoints = Math.Min(c.PgdPoints, scale * Math.Clamp(c.PgdPoints / 10, 8, 50)),
            DistSteps = Math.Min(c.DistSteps, scale * Math.Clamp(c.DistSteps / 10, 10, 100)),
            Attack = null,
            Certify = false,
        };
        var list = BatchRunner.Phases(phases, config);
        list.Insert(1, IdealWeights);
        Directory.CreateDirectory(Path.Combine(dir, "batches"));
        var (seconds, phaseSeconds) = BatchRunner.Execute(plan.Hash, batch with { Config = config }, list, device, dir, TimeSpan.FromDays(365), cancel);
        Directory.Delete(BatchRunner.Folder(dir, batch), recursive: true);
        var timed = phaseSeconds.Where(p => p.Key != IdealWeights.Name).ToDictionary(p => p.Key, p => p.Value);
        return (new Timing(seconds, timed, seconds - phaseSeconds.Values.Sum()), config);
    }

    // the calibration's stand-in for the trained networks (Embed), put on the device after training
    private static readonly StudyPhase<StudyState> IdealWeights = new("ideal weights", [], s =>
    {
        if (s.Net.Shape.Outputs == 1)
            s.Net.Theta.CopyFromHost(Embed(s.Net.Shape, s.Net.Networks, s.Data.Mu, s.Config.Train.Subclasses, s.Config.Train.PositiveSubclasses));
    });

    /// <summary>θ of networks of `shape` (one output) that compute F (p = 1) or F^(p) (p &gt; 1) of their data set's
    /// centers `mu` in their first neurons, the other weights zero (a width below the ideal's keeps its first neurons).</summary>
    internal static float[] Embed(BatchShape shape, IReadOnlyList<NetworkInfo> networks, IReadOnlyList<double[]> mu, int subclasses, int positive)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(mu);
        var theta = new float[shape.ParameterCount];
        int D = shape.Inputs, H = shape.Hidden;
        foreach (var n in networks)
        {
            var (ideal, values) = IdealClassifier.Parameters(n.P == 1 ? IdealKind.F : IdealKind.Fp, D, subclasses, positive, [mu[n.DataSet]]);
            for (int j = 0; j < Math.Min(H, ideal.Hidden); j++)
            {
                for (int d = 0; d < D; d++)
                    theta[(n.Index * D + d) * H + j] = values[d * ideal.Hidden + j];
                theta[shape.VOffset + n.Index * H + j] = values[ideal.VOffset + j];
            }
        }
        return theta;
    }
}
