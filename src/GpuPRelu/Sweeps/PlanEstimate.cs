using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
/// where the trained networks do. A run pays its start and the compilation once (WarmUp).</summary>
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

    /// <summary>Seconds a run spends once: its start (runtime, device) and, on its first batch, the compilation and first
    /// use of the kernels.</summary>
    public double WarmUp { get; }

    /// <summary>Seconds the calibration took.</summary>
    public double CalibrationSeconds { get; }

    /// <summary>The estimated seconds of each phase of `batch` ("setup" and "commit" included), in run order.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases(SweepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Phases(batch.Config, batch.Networks.Count);
    }

    /// <summary>The estimated seconds of each phase of a run of `config` on `networks` networks, in run order.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases(StudyConfig config, int networks)
    {
        ArgumentNullException.ThrowIfNull(config);
        double t = _highWork > _lowWork ? Math.Max(0, (Work(config, networks) - _lowWork) / (_highWork - _lowWork)) : 0.5;
        var result = new List<(string, double)>();
        foreach (var (phase, low) in _low)
        {
            if (!_high.TryGetValue(phase, out var high))
                high = low;
            double fixedPart = Math.Max(0, low.Fixed + t * (high.Fixed - low.Fixed));
            double perUnit = Math.Max(0, low.PerIteration + t * (high.PerIteration - low.PerIteration));
            result.Add((phase, fixedPart + perUnit * Units(config, phase)));
        }
        return result;
    }

    /// <summary>What the estimate rests on, for the printed plan.</summary>
    public string Basis => string.Create(CultureInfo.InvariantCulture,
        $"calibrated on the device in {CalibrationSeconds:0.0} s (runs shortened to a tenth and two tenths of the epochs, attacked points "
        + $"and ascent steps; PGD on F and F^(p)); start-up and compilation {WarmUp:0.0} s once");

    /// <summary>The estimate of a study verb's run of `config` as text: each phase, the total and the basis.</summary>
    public string Render(StudyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var phases = Phases(config, new TrainPlan(config.Train).Networks.Count);
        double total = WarmUp + phases.Sum(p => p.Seconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"estimated {TimeSpan.FromSeconds(Math.Round(total)):d\\.hh\\:mm\\:ss} ({string.Join(", ", phases.Select(p => $"{p.Phase} {p.Seconds:0.0} s"))})\nbasis: {Basis}\n");
    }

    /// <summary>The estimated seconds of `batch` (without WarmUp).</summary>
    public double Seconds(SweepBatch batch) => Phases(batch).Sum(p => p.Seconds);

    /// <summary>Calibrates on `device` by running the plan's smallest and largest batch (by work) shortened, through
    /// the sweep's phases and the batch's commit, in a temporary folder that is removed after; `log` hears each run.</summary>
    public static PlanEstimate Measure(SweepPlan plan, ComputeDevice device, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(device);
        var ordered = plan.Batches.OrderBy(b => Work(b.Config, b.Networks.Count)).ToList();
        var (smallest, largest) = (ordered[0], ordered[^1]);
        log?.Invoke($"calibrating on {device.Description}: batch {smallest.Name} and {largest.Name}, shortened");
        return Calibrate(smallest.Config, smallest.Networks.Count, largest.Config, largest.Networks.Count, (high, config, dir) =>
        {
            var batch = high ? largest : smallest;
            var list = BatchRunner.Phases(plan.Options.Phases, config);
            list.Insert(1, IdealWeights);
            Directory.CreateDirectory(Path.Combine(dir, "batches"));
            var (seconds, phaseSeconds) = BatchRunner.Execute(plan.Hash, batch with { Config = config }, list, device, dir, TimeSpan.FromDays(365), cancel);
            // the commit: the batch's time outside its phases (keying the CSVs, summary.csv, batch.json, the rename)
            var timed = phaseSeconds.Where(p => p.Key != IdealWeights.Name).ToDictionary(p => p.Key, p => p.Value);
            timed["commit"] = Math.Max(0, seconds - phaseSeconds.Values.Sum());
            return timed;
        });
    }

    /// <summary>Calibrates a study verb's run of `config` (`command`: fig2, fig5) on the context's device, through the
    /// verb's own phases (the data, plots and report included), in a temporary folder that is removed after.</summary>
    public static PlanEstimate Measure(StudyConfig config, string command, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        int networks = new TrainPlan(config.Train).Networks.Count;
        context.Log?.Invoke($"calibrating on {context.Device.Description}: the run shortened");
        return Calibrate(config, networks, config, networks, (_, c, dir) =>
        {
            StudyExperiment.Run(c, command, command, new RunContext(context.Device, dir) { Cancel = context.Cancel }, IdealWeights);
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
            return manifest.RootElement.GetProperty("phase_seconds").EnumerateObject()
                .Where(p => p.Name != IdealWeights.Name && p.Name != "wall").ToDictionary(p => p.Name, p => p.Value.GetDouble());
        });
    }

    // the first run pays the compilation: the smallest shape's short form runs once before the measured runs
    private static PlanEstimate Calibrate(StudyConfig low, int lowNetworks, StudyConfig high, int highNetworks,
        Func<bool, StudyConfig, string, Dictionary<string, double>> run)
    {
        var clock = Stopwatch.StartNew();
        // the process's own start: the runtime, the arguments, the device opened (the run pays it too)
        double startup = Math.Clamp((DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds, 0, 60);
        var root = Path.Combine(Path.GetTempPath(), $"gpuprelu-plan-{Environment.ProcessId}-{Guid.NewGuid():N}");
        int count = 0;
        Dictionary<string, double> Once(bool high, StudyConfig config)
        {
            var dir = Path.Combine(root, $"run{count++}");
            Directory.CreateDirectory(dir);
            var phases = run(high, config, dir);
            Directory.Delete(dir, recursive: true);
            return phases;
        }
        try
        {
            double first = Once(false, Short(low, 1)).Values.Sum();
            var lowShape = Fit(low, lowNetworks, c => Once(false, c), out double lowShort);
            var highShape = ReferenceEquals(high, low) ? lowShape : Fit(high, highNetworks, c => Once(true, c), out _);
            return new PlanEstimate(lowShape, highShape, startup + Math.Max(0, first - lowShort), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    // a run's work per unit that sets its cost: networks × D × width × the rows of an epoch, an attacked point's radii
    // and the ascent's starts together
    private static double Work(StudyConfig config, int networks) =>
        networks * (double)config.Train.InputDim * config.Train.Width * (config.Train.NTrain + config.Radii.Count * config.PgdPoints + config.DistStarts);

    // the units of a phase in `config`: epochs (an evaluation counted as the epochs its rows weigh), attacked points
    // (PGD, the exact and the minimal radii), ascent steps; 0 for a phase of a fixed cost
    private static double Units(StudyConfig config, string phase)
    {
        var c = config.Train;
        return phase switch
        {
            "train" => c.ResolvedEpochs + (c.ResolvedEpochs / c.LogEvery + 2) * (c.NTrain + c.NTest) * 2.0 / (6.0 * c.NTrain),
            "attack" or "exact_radii" or "min_radius" => config.PgdPoints,
            "distance" => config.DistSteps,
            _ => 0,
        };
    }

    private sealed record Shape(double Work, Dictionary<string, (double Fixed, double PerIteration)> Phases);

    // two shortened runs of `config` (k and 2k units): per phase, the cost of a unit and the rest
    private static Shape Fit(StudyConfig config, int networks, Func<StudyConfig, Dictionary<string, double>> once, out double shortSeconds)
    {
        var (one, two) = (Short(config, 1), Short(config, 2));
        var a = once(one);
        var b = once(two);
        shortSeconds = a.Values.Sum();
        var fits = new Dictionary<string, (double, double)>();
        foreach (var (phase, seconds) in a)
            fits[phase] = Line(Units(one, phase), seconds, Units(two, phase), b.GetValueOrDefault(phase, seconds));
        return new Shape(Work(config, networks), fits);
    }

    // `config` shortened to `scale` (1 or 2) tenths of its epochs, attacked points and ascent steps, within bounds that
    // keep a tenth measurable and a paper-sized run's calibration short; the attack runs its every step, and the band's
    // phases (attack: standard, certify) are left out
    private static StudyConfig Short(StudyConfig c, int scale)
    {
        int epochs = Math.Min(c.Train.ResolvedEpochs, scale * Math.Clamp(c.Train.ResolvedEpochs / 10, 2, 20));
        return c with
        {
            Train = c.Train with { Epochs = epochs, FlowTime = null, LogEvery = epochs, Save = false },
            PgdPoints = Math.Min(c.PgdPoints, scale * Math.Clamp(c.PgdPoints / 10, 8, 50)),
            DistSteps = Math.Min(c.DistSteps, scale * Math.Clamp(c.DistSteps / 10, 10, 100)),
            Attack = null,
            Certify = false,
        };
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

    // the calibration's stand-in for the trained networks (Embed), put on the device after training
    private static readonly StudyPhase<StudyState> IdealWeights = new("ideal weights", [], s =>
    {
        if (s.Net.Shape.Outputs == 1)
            s.Net.Theta.CopyFromHost(Embed(s.Net.Shape, s.Net.Networks, s.Data.Mu, s.Config.Train.Subclasses, s.Config.Train.PositiveSubclasses));
    });

    /// <summary>θ of networks of `shape` (one output) that compute F (p = 1) or F^(p) (p &gt; 1) of their data set's
    /// centers `mu` with every neuron: neuron j copies the ideal's neuron j mod its width, with the output weight divided
    /// among the copies (the same function), so the network has as many active neurons as a trained, aligned one (a
    /// width below the ideal's keeps its first neurons).</summary>
    internal static float[] Embed(BatchShape shape, IReadOnlyList<NetworkInfo> networks, IReadOnlyList<double[]> mu, int subclasses, int positive)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(mu);
        var theta = new float[shape.ParameterCount];
        int D = shape.Inputs, H = shape.Hidden;
        foreach (var n in networks)
        {
            var (ideal, values) = IdealClassifier.Parameters(n.P == 1 ? IdealKind.F : IdealKind.Fp, D, subclasses, positive, [mu[n.DataSet]]);
            int Hi = ideal.Hidden;
            for (int j = 0; j < H; j++)
            {
                int i = j % Hi, copies = H / Hi + (i < H % Hi ? 1 : 0);
                for (int d = 0; d < D; d++)
                    theta[(n.Index * D + d) * H + j] = values[d * Hi + i];
                theta[shape.VOffset + n.Index * H + j] = (float)(values[ideal.VOffset + i] / copies);
            }
        }
        return theta;
    }
}
