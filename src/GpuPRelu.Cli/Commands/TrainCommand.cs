using System.CommandLine;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu train`: a p × α × seed grid of networks on synthetic subclass data, as one batch.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "train a p × α × seed grid of pReLU networks on synthetic subclass data, as one batch");
        var preset = new Option<string>("--preset") { Description = $"start from a named preset ({string.Join(", ", Presets.Names)})" };
        var config = new Option<FileInfo>("--config") { Description = "YAML file of snake_case keys (flags override it)" };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/train");
        var overwrite = CommonOptions.Overwrite();
        var save = new Option<bool>("--save") { Description = "write the trained networks to networks.safetensors" };
        var load = new Option<FileInfo>("--load") { Description = "start from the networks of a safetensors file instead of a fresh init" };
        var fields = TrainFields.All.Select(f => (Field: f, Option: f.IsSwitch
            ? (Option)new Option<bool>("--" + f.Flag) { Description = f.Description }
            : new Option<string>("--" + f.Flag) { Description = f.Description })).ToList();
        foreach (var o in new Option[] { preset, config, device, output, overwrite, save, load }.Concat(fields.Select(f => f.Option)))
            command.Options.Add(o);

        command.SetAction(parse =>
        {
            var cfg = new TrainConfig();
            if (parse.GetValue(preset) is { } name)
                cfg = ConfigFile.Apply(cfg, Presets.Load(name), $"preset {name}", TrainFields.All);
            if (parse.GetValue(config) is { } file)
            {
                if (!file.Exists)
                    throw new UsageException($"config: file '{file.FullName}' does not exist");
                cfg = ConfigFile.Apply(cfg, File.ReadAllText(file.FullName), file.Name, TrainFields.All);
            }
            foreach (var (field, option) in fields)
            {
                if (parse.GetResult(option) is null)
                    continue;
                string text = option is Option<bool> b ? (parse.GetValue(b) ? "true" : "false") : parse.GetValue((Option<string>)option)!;
                cfg = field.Apply(cfg, text);
            }
            var errors = cfg.Validate();
            if (errors.Count > 0)
                throw new UsageException(errors);
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var loadPath = parse.GetValue(load);
            if (loadPath is { Exists: false })
                throw new UsageException($"load: file '{loadPath.FullName}' does not exist");
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));

            using var dev = ComputeDevice.Open(kind);
            Console.WriteLine($"device {dev.Description}{(kind == DeviceKind.Auto ? " (picked by auto)" : "")}");
            var plan = new TrainPlan(cfg);
            Console.WriteLine($"{plan.Networks.Count} networks (p {string.Join(",", cfg.P)} × {cfg.Alpha.Count} α × {cfg.Seeds} seeds), "
                + $"D {cfg.InputDim}, h {cfg.Width}, n_train {cfg.NTrain}, {cfg.Optimizer.ToString().ToLowerInvariant()} {cfg.ResolvedEpochs} epochs");
            var summary = ProgressReporter.Run("train", (log, progress) =>
                TrainExperiment.Run(cfg, dev, outDir, parse.GetValue(save), loadPath?.FullName, log, progress));
            foreach (var g in summary.GroupBy(s => s.P))
                Console.WriteLine($"p={g.Key}: mean test_acc {g.Average(s => s.TestAcc):0.0000}, diverged {g.Count(s => s.Diverged)}");
            Console.WriteLine($"wrote {outDir}");
            return 0;
        });
        return command;
    }
}
