using System.CommandLine;
using GpuPRelu.Configs;
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
        var preset = new Option<string>("--preset") { Description = $"start from a named preset ({string.Join(", ", Presets.Names.Where(n => !n.StartsWith("mnist", StringComparison.Ordinal)))})" };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/train");
        var overwrite = CommonOptions.Overwrite();
        var load = new Option<FileInfo>("--load") { Description = "start from the networks of a safetensors file instead of a fresh init" };
        var resume = CommonOptions.Resume("train");
        var fields = new ConfigOptions<TrainConfig>([.. TrainFields.All, .. TrainFields.Run, .. TrainFields.Trace], StudyFields.TrainFileKeys);
        foreach (var o in new Option[] { preset, device, output, overwrite, load, resume })
            command.Options.Add(o);
        fields.AddTo(command);

        command.SetAction(parse =>
        {
            var name = parse.GetValue(preset);
            var cfg = fields.Build(parse, new TrainConfig(), name, name is null ? null : Presets.Load(name));
            CommonOptions.Refuse(cfg.Validate());
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var loadPath = parse.GetValue(load);
            if (loadPath is not null && InputFile.Problem("load", loadPath.FullName) is { } problem)
                throw new UsageException(problem);
            if (loadPath is not null)
                TrainExperiment.CheckLoad(cfg, loadPath.FullName);
            var traceDir = cfg.Trace;
            if (traceDir is not null && Directory.Exists(traceDir) && Directory.EnumerateFileSystemEntries(traceDir).Any() && !parse.GetValue(overwrite))
                throw new UsageException($"trace: '{traceDir}' exists and is not empty; choose another folder or pass --overwrite");
            bool resuming = parse.GetValue(resume);
            // --resume checkpoints every 10 minutes unless told otherwise; the resolved interval goes into the manifest
            cfg = cfg with { CheckpointMinutes = cfg.CheckpointMinutes ?? (resuming ? 10 : null), Trace = traceDir is null ? null : Path.GetFullPath(traceDir) };
            // the device's memory plan (the data, the step's and evaluation's rows) before the output folder exists
            using var dev = CommonOptions.Open(kind);
            TrainExperiment.PlanDevice(cfg, dev);
            var outDir = CommonOptions.PrepareRun(parse.GetValue(output)!, parse.GetValue(overwrite), resuming, "train");

            var plan = new TrainPlan(cfg);
            Console.WriteLine($"{plan.Networks.Count} networks (p {string.Join(",", cfg.P)} × {cfg.Alpha.Count} α × {cfg.Seeds} seeds), "
                + $"D {cfg.InputDim}, h {cfg.Width}, n_train {cfg.NTrain}, {cfg.Optimizer.ToString().ToLowerInvariant()} {cfg.ResolvedEpochs} epochs");
            var summary = ProgressReporter.Run("train", (log, progress) =>
                TrainExperiment.Run(cfg, new RunContext(dev, outDir) { Log = log, Progress = progress, Cancel = Interrupts.Token }, loadPath?.FullName));
            foreach (var g in summary.GroupBy(s => s.P))
                Console.WriteLine($"p={g.Key}: mean test_acc {g.Average(s => s.TestAcc):0.0000}, diverged {g.Count(s => s.Diverged)}");
            Console.WriteLine($"wrote {outDir}");
            return 0;
        });
        return command;
    }
}
