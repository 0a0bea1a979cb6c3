using System.CommandLine;
using System.Globalization;
using GpuPRelu.Bench;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu bench`: timings of the batched operations and of training at named sizes, written to bench.csv.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "time the batched operations and training at named sizes; writes bench.csv");
        var configs = new Option<string>("--config")
        {
            Description = $"comma-separated configurations ({string.Join(", ", BenchConfig.All.Select(c => c.Name))})",
            DefaultValueFactory = _ => "quick,fig2-scaled",
        };
        var calls = new Option<int>("--calls") { Description = "timed calls per operation", DefaultValueFactory = _ => 10 };
        var compare = new Option<bool>("--compare")
        {
            Description = "instead: the comparison configuration (fig2-scaled's networks, 2000 test points attacked at 7 radii, the distance " +
                "to F and F^(p)) by the engine and, when /usr/bin/python3 imports torch, by the " +
                "PyTorch references (the paper's way and every network stacked) → compare.csv with per-phase ratios and peak fractions",
        };
        var referenceDir = new Option<string?>("--reference-dir")
        {
            Description = "--compare: folder of fig2_reference.py and fig2_stacked.py (default: bench/reference of the checkout the " +
                "tool runs from), or none (the engine only)",
        };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/bench");
        var overwrite = CommonOptions.Overwrite();
        foreach (var o in new Option[] { configs, calls, compare, referenceDir, device, output, overwrite })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            if (parse.GetValue(compare))
            {
                // --config names the comparison's configuration here (compare unless given)
                var named = parse.GetResult(configs) is { Implicit: false } ? parse.GetValue(configs)! : "compare";
                return Compare(named, parse.GetValue(referenceDir), CommonOptions.ParseDevice(parse.GetValue(device)!),
                    parse.GetValue(output)!, parse.GetValue(overwrite));
            }
            var chosen = parse.GetValue(configs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(BenchConfig.Find).ToList();
            int n = parse.GetValue(calls);
            if (n < 1)
                throw new UsageException($"calls must be ≥ 1, got {n}");
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));
            using var dev = CommonOptions.Open(kind);
            BenchExperiment.Run(chosen, n, new RunContext(dev, outDir) { Log = Console.WriteLine, Cancel = Interrupts.Token });
            Console.WriteLine($"wrote {Path.Combine(outDir, "bench.csv")}");
            return 0;
        });
        return command;
    }

    private static int Compare(string name, string? referenceDir, DeviceSpec kind, string output, bool overwrite)
    {
        try
        {
            CompareExperiment.Find(name);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        string? references = referenceDir switch
        {
            null => FindReferences(),
            "none" => null,
            _ when File.Exists(Path.Combine(referenceDir, "fig2_reference.py")) => referenceDir,
            _ => throw new UsageException($"--reference-dir {referenceDir}: no fig2_reference.py there (or 'none': the engine only)"),
        };
        var outDir = CommonOptions.PrepareOut(output, overwrite);
        using var dev = CommonOptions.Open(kind);
        Console.WriteLine($"device {dev.Description}");
        var rows = CompareExperiment.Run(name, dev, outDir, references, Console.WriteLine);
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Method,-16} {r.Phase,-9} {r.Seconds,9:0.00} s {r.Gflops,8:0.0} GFLOP/s {r.PeakFraction,6:P0} of peak  ×{r.Slowdown:0.00}"));
        }
        Console.WriteLine($"wrote {Path.Combine(outDir, "compare.csv")}");
        return 0;
    }

    /// <summary>bench/reference of the checkout above the tool's folder or the working directory, or null.</summary>
    private static string? FindReferences()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "bench", "reference");
                if (File.Exists(Path.Combine(candidate, "fig2_reference.py")))
                    return candidate;
            }
        }
        return null;
    }
}
