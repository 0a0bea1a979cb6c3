using System.CommandLine;
using GpuPRelu.Bench;
using GpuPRelu.Devices;

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
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/bench");
        var overwrite = CommonOptions.Overwrite();
        foreach (var o in new Option[] { configs, calls, device, output, overwrite })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(configs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(BenchConfig.Find).ToList();
            int n = parse.GetValue(calls);
            if (n < 1)
                throw new UsageException($"calls must be ≥ 1, got {n}");
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));
            using var dev = CommonOptions.Open(kind);
            BenchExperiment.Run(chosen, dev, outDir, n, Console.WriteLine);
            Console.WriteLine($"wrote {Path.Combine(outDir, "bench.csv")}");
            return 0;
        });
        return command;
    }
}
