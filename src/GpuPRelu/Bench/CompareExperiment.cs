using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;

namespace GpuPRelu.Bench;

/// <summary>`gpuprelu bench --compare`: issue 17's timing configuration (the fig2 `scaled` shape with 2000 test points
/// attacked at 7 radii, and the distance of every network to F and F^(p) with 200 starts × 200 steps × 2 repeats) run by
/// the engine (the fig2 study, its phases timed by the manifest) and by the two PyTorch references when /usr/bin/python3
/// imports torch: the paper's way (bench/reference/fig2_reference.py, one network at a time) and every network stacked
/// (fig2_stacked.py). One row per phase and method in compare.csv, with the work the paper's method needs (GFLOP), the
/// rate, the fraction of the measured peak and the engine's speed-up; the references' BLAS and threads in the rows.</summary>
public static class CompareExperiment
{
    /// <summary>The configurations of fig2_reference.py that the engine can run too: issue17, and smoke (seconds).</summary>
    public static StudyConfig Find(string name) => name switch
    {
        "issue17" => Issue17,
        "smoke" => Smoke,
        _ => throw new FormatException($"bench --compare: unknown configuration '{name}'; known: issue17, smoke"),
    };

    /// <summary>The references' `smoke` configuration: every phase in seconds, for checking the comparison itself.</summary>
    public static StudyConfig Smoke => new()
    {
        Train = new TrainConfig
        {
            InputDim = 20, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.05, 0.1], P = [1, 3], Seeds = 1, Width = 16,
            InitScale = 1e-3, Lr = 0.2, Epochs = 3, BatchSize = 50, NTrain = 200, NTest = 50, LogEvery = 3,
        },
        Radii = ValueList.Linspace(0, 1, 3),
        PgdSteps = 5,
        PgdStepSize = 0.1,
        PgdPoints = 50,
        DistSteps = 5,
        DistStarts = 8,
        DistRepeats = 2,
        DistScaleSamples = 1000,
        Snapshots = 0,
    };

    /// <summary>The engine's side of issue 17's comparison: the fig2-scaled preset's data and training, issue 17's attack
    /// and distance, metrics only at the first and last epoch (the references evaluate nothing while training).</summary>
    public static StudyConfig Issue17 => new()
    {
        Train = new TrainConfig
        {
            InputDim = 200, Subclasses = 10, PositiveSubclasses = 6, Alpha = [0.01, 0.05, 0.1], P = [1, 3], Seeds = 2,
            Width = 400, InitScale = 1e-7, Lr = 0.2, Epochs = 100, BatchSize = 100, NTrain = 2000, NTest = 2000, LogEvery = 100,
        },
        Radii = ValueList.Linspace(0, 1.5, 7),
        PgdSteps = 200,
        PgdStepSize = 0.1,
        PgdPoints = 2000,
        DistSteps = 200,
        DistStarts = 200,
        DistRepeats = 2,
        DistScaleSamples = 1000,
        Snapshots = 0,
    };

    /// <summary>Runs configuration `name` (issue17 or smoke) by the engine on `device` into outDir/engine, then by each
    /// reference script in `referenceDir` (none when null), and writes outDir/compare.csv.</summary>
    public static IReadOnlyList<CompareRow> Run(string name, ComputeDevice device, string outDir, string? referenceDir,
        Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var config = Find(name);
        var (peak, where) = BenchExperiment.Peak(device);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"measured FP32 FMA peak {peak:0.0} GFLOP/s ({where})"));
        var work = Work(config);
        string engineDir = Path.Combine(outDir, "engine");
        Directory.CreateDirectory(engineDir);
        StudyExperiment.Run(config, "fig2", "Fig. 2", new RunContext(device, engineDir) { Log = log, Cancel = cancel });
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(engineDir, "manifest.json")));
        var phases = manifest.RootElement.GetProperty("phase_seconds");
        var engine = new Dictionary<string, double>
        {
            ["train"] = phases.GetProperty("train").GetDouble(),
            ["pgd"] = phases.GetProperty("attack").GetDouble(),
            ["distance"] = phases.GetProperty("distance").GetDouble(),
        };
        var rows = Rows("gpuprelu", device.Description, engine, work, peak, engine).ToList();
        foreach (var (method, script) in new[] { ("pytorch-paper", "fig2_reference.py"), ("pytorch-stacked", "fig2_stacked.py") })
        {
            var reference = referenceDir is null ? null : RunReference(Path.Combine(referenceDir, script), name, log);
            if (reference is { } r)
                rows.AddRange(Rows(method, r.Blas, r.Seconds, work, peak, engine));
        }
        CsvOutput.Write(Path.Combine(outDir, "compare.csv"), rows);
        return rows;
    }

    /// <summary>GFLOP of each phase as the paper's method does it (4·D·H flops per row for a forward and one backward
    /// product, the output layer and elementwise work not counted): training every network on every sample of every
    /// epoch, the attack on the networks of the smallest α (points × radii × steps), the distance of every network to
    /// two ideals (repeats × starts × steps).</summary>
    public static Dictionary<string, double> Work(StudyConfig c)
    {
        var t = c.Train;
        double row = 4.0 * t.InputDim * t.Width;
        int networks = t.Alpha.Count * t.Seeds * t.P.Count, attacked = t.Seeds * t.P.Count;
        return new Dictionary<string, double>
        {
            ["train"] = networks * (double)t.ResolvedEpochs * t.NTrain * row / 1e9,
            ["pgd"] = attacked * (double)c.Radii.Count * c.PgdPoints * c.PgdSteps * row / 1e9,
            ["distance"] = networks * 2.0 * c.DistRepeats * c.DistStarts * c.DistSteps * row / 1e9,
        };
    }

    private static IEnumerable<CompareRow> Rows(string method, string where, Dictionary<string, double> seconds,
        Dictionary<string, double> work, double peak, Dictionary<string, double> engine)
    {
        foreach (var phase in new[] { "train", "pgd", "distance" })
        {
            double s = seconds[phase], rate = work[phase] / s;
            yield return new CompareRow(method, where, phase, s, work[phase], rate, rate / peak, s / engine[phase]);
        }
        double total = seconds.Where(p => work.ContainsKey(p.Key)).Sum(p => p.Value), all = work.Values.Sum();
        yield return new CompareRow(method, where, "total", total, all, all / total, all / total / peak,
            total / engine.Values.Sum());
    }

    /// <summary>Runs a reference script with the machine's best BLAS settings (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
    /// unset, as many threads as cores); null with a log line where python3 or torch is missing.</summary>
    private static (string Blas, Dictionary<string, double> Seconds)? RunReference(string script, string name, Action<string>? log)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || !File.Exists(script))
        {
            log?.Invoke($"skipping {Path.GetFileName(script)}: {(File.Exists(python) ? script : python)} not found");
            return null;
        }
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { script, "--config", name, "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        log?.Invoke($"running {Path.GetFileName(script)} (minutes)");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            log?.Invoke($"skipping {Path.GetFileName(script)}: exit {process.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        var seconds = root.GetProperty("seconds").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        string blas = $"torch {root.GetProperty("torch").GetString()}, {root.GetProperty("blas").GetString()}, " +
            $"{root.GetProperty("threads").GetInt32()} threads, OPENBLAS_CORETYPE {root.GetProperty("openblas_coretype").GetString()}";
        return (blas, seconds);
    }
}
