using System.CommandLine;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Sweeps;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu sweep`: a grid of study networks as one job (docs/design.md §5) — planned into batches, run on
/// one or several devices, resumable after a kill, shardable over a Slurm job array; `--plan` prints the plan only.</summary>
internal static class SweepCommand
{
    private static readonly (string Name, string About)[] Presets =
    [
        ("width-dim", "p 1,2,3 × width 25…400 × D 50,100,200 × 2 seeds, minutes on 2 CPU cores"),
        ("width-dim-paper", "the same axes at the paper's training and attack sizes, for GPUs"),
    ];

    public static Command Create()
    {
        var command = new Command("sweep", "train, align, attack and measure a grid of networks (any study key may be a list; zip: groups keys), "
            + "batched by shape, on one or several devices, resumable (--resume) and shardable (--shard i/N, merge)");
        var config = new Option<FileInfo>("--config") { Description = "sweep YAML: study keys; a list sweeps the key; zip: {k1: [..], k2: [..]} varies keys together" };
        var preset = new Option<string>("--preset") { Description = string.Join("; ", Presets.Select(p => $"{p.Name} (data/presets/{p.Name}.yaml: {p.About})")) };
        var grid = new Option<string[]>("--grid") { Description = "key=v1,v2,… sweeps a key (repeatable; replaces the key's value from the file)", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { Description = "the sweep folder" };
        var resume = new Option<string?>("--resume") { Description = "continue the sweep in --out (or in the folder given here); a folder of another plan is refused", Arity = ArgumentArity.ZeroOrOne };
        var planOnly = new Option<bool>("--plan") { Description = "print the batches, networks, memory, flops and an estimated time (calibrated by short runs of the plan's smallest and largest batch on the device), and run nothing" };
        var devices = new Option<string>("--devices", "--device") { Description = "auto, all (every CUDA device), or a list: cuda:0,cuda:2 | ilgpu-cpu:0,ilgpu-cpu:1 (one worker each)", DefaultValueFactory = _ => "auto" };
        var shard = new Option<string?>("--shard") { Description = "i/N: run a deterministic share of the batches (default from SLURM_ARRAY_TASK_ID, _MIN, _COUNT in a job array)" };
        var checkpointMinutes = new Option<double>("--checkpoint-minutes")
        {
            Description = "save each batch's training state into DIR/checkpoints every M minutes, at epoch ends (0: every epoch), so --resume continues a killed batch",
            DefaultValueFactory = _ => 10,
        };
        var rate = new Option<double?>("--rate") { Description = "with --plan: estimate from the flops at this GFLOP/s per device instead of calibrating (no launch or fixed costs; every PGD row to its last step)" };
        // the study's fields as flags (the same names as fig2's): each flag given sets its key to one value for every
        // network, over the preset or config file; --grid sweeps a key instead
        var settings = new ConfigOptions<StudyConfig>(StudyFields.All, configFile: false);
        foreach (var o in new Option[] { config, preset, grid, output, resume, planOnly, devices, shard, checkpointMinutes, rate })
            command.Options.Add(o);
        var planning = new ConfigOptions<SweepOptions>(SweepFields.All, defaults: new SweepOptions(), configFile: false);
        planning.AddTo(command);
        settings.AddTo(command);

        command.SetAction(parse =>
        {
            var options = planning.Build(parse, new SweepOptions(), null, null);
            CommonOptions.Refuse(options.Validate());
            bool resuming = parse.GetResult(resume) is { Implicit: false };
            var dir = parse.GetValue(resume) ?? parse.GetValue(output);
            bool planOnlyRun = parse.GetValue(planOnly);
            if (dir is null && !planOnlyRun)
                throw new UsageException("out: name the sweep folder (--out DIR, or --resume DIR)");
            var full = dir is null ? null : Path.GetFullPath(dir);
            var stored = resuming && full is not null ? SweepFolder.Read(full) : null;
            bool hasSpec = parse.GetValue(config) is not null || parse.GetValue(preset) is not null || (parse.GetValue(grid)?.Length ?? 0) > 0;
            if (!hasSpec && stored is null)
                throw new UsageException(resuming ? $"resume: '{dir}' holds no sweep (no plan.json); give --config or --preset to start it" : "config: give --config FILE, --preset NAME or --grid key=v1,v2");
            var plan = stored is not null && !hasSpec ? stored : SweepPlan.Build(Spec(parse, config, preset, grid, settings), options);
            if (stored is not null && stored.Hash != plan.Hash)
                throw new UsageException($"resume: '{dir}' holds plan {stored.ShortHash}, the config gives plan {plan.ShortHash}; resume with the folder's own config, or choose another --out");
            var specs = DeviceSpec.ParseList(parse.GetValue(devices)!, "--device");
            foreach (var s in specs)
            {
                if (ComputeDevice.Unavailable(s) is { } reason)
                    throw new UsageException($"--device {s}: {reason}");
            }
            var part = parse.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.FromEnvironment(Environment.GetEnvironmentVariable) ?? ShardSpec.Whole;
            if (parse.GetValue(rate) is { } given && !(given > 0 && double.IsFinite(given)))
                throw new UsageException($"rate must be > 0 GFLOP/s and finite, got {given}");
            if (planOnlyRun || full is null)
            {
                Console.Write(parse.GetValue(rate) is { } r
                    ? SweepPlanText.Render(plan, r * 1e9, specs.Count, part)
                    : SweepPlanText.Render(plan, Calibrate(plan, specs[0]), specs.Count, part));
                return 0;
            }
            if (OutputFolder.Problem(dir!) is { } problem)
                throw new UsageException(problem);
            if (!resuming && OutputFolder.HoldsEntries(full))
                throw new UsageException($"out: '{dir}' exists and is not empty; pass --resume to continue the sweep in it, or choose another folder");
            if (resuming && stored is null && OutputFolder.HoldsEntries(full))
                throw new UsageException($"resume: '{dir}' is not empty and holds no sweep (no plan.json); choose another folder");
            // the rule of the study verbs' checkpoint_minutes field (≥ 0, at most 1e9: TimeSpan's range)
            double minutes = parse.GetValue(checkpointMinutes);
            var rule = new List<string>();
            FieldParsers.CheckpointMinutes(rule, minutes);
            CommonOptions.Refuse(rule);
            // the sweep's lock: a second sweep (or --resume) while this one runs is refused before it touches the folder
            CommonOptions.HoldOut(dir!);
            using var pool = new DevicePool(specs);
            foreach (var d in pool.Devices)
                Console.WriteLine($"device {d.Description}");
            Console.WriteLine($"sweep {plan.ShortHash}: {plan.Networks.Count()} networks in {plan.Batches.Count} batches, shard {part}, into {full}");
            SweepRunner.Run(plan, full, pool, part, TimeSpan.FromMinutes(minutes), line => Console.Error.WriteLine(line), Interrupts.Token);
            Console.WriteLine(part.Count == 1 ? $"wrote {full} (summary.csv, report.md)" : $"shard {part} done in {full}; fold the shards with gpuprelu merge");
            return 0;
        });
        return command;
    }

    // the preset or config file, then the grid flags and the study flags
    private static SweepSpec Spec(ParseResult parse, Option<FileInfo> config, Option<string> preset, Option<string[]> grid, ConfigOptions<StudyConfig> settings)
    {
        var file = parse.GetValue(config);
        var name = parse.GetValue(preset);
        if (file is not null && name is not null)
            throw new UsageException("preset and config exclude each other: copy the preset's file (data/presets) and edit it");
        var spec = new SweepSpec();
        if (name is not null)
        {
            if (!Presets.Any(p => p.Name == name))
                throw new UsageException($"preset: '{name}' is not one of {string.Join(", ", Presets.Select(p => p.Name))}");
            spec = SweepFile.Read(GpuPRelu.Cli.Presets.Load(name), $"preset {name}");
        }
        else if (file is not null)
        {
            if (!file.Exists)
                throw new UsageException($"config: file '{file.FullName}' does not exist");
            spec = SweepFile.Read(File.ReadAllText(file.FullName), file.Name);
        }
        var seen = new HashSet<string>();
        foreach (var g in parse.GetValue(grid) ?? [])
        {
            var (key, values) = SweepFile.ParseGrid(g);
            if (!seen.Add(key))
                throw new UsageException($"grid: key '{key}' is given twice");
            spec = spec.WithAxis(key, values);
        }
        foreach (var (field, text) in settings.Given(parse))
            spec = spec.WithSetting(field.Key, text);
        return spec;
    }

    private static PlanEstimate Calibrate(SweepPlan plan, DeviceSpec spec)
    {
        using var device = ComputeDevice.Open(spec);
        return PlanEstimate.Measure(plan, device, line => Console.WriteLine(line), Interrupts.Token);
    }
}
