using System.CommandLine;
using System.Globalization;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu mnist` and `gpuprelu probe`: the paper's real-data study (train p × repeats networks with per-epoch
/// metrics, APGD-CE l∞ over a grid of radii, the Figure-3 panels and report.md) on MNIST or on a feature table.</summary>
internal static class RealCommand
{
    /// <summary>`gpuprelu mnist --classes 2|10 --preset paper|quick`.</summary>
    public static Command Mnist()
    {
        var command = new Command("mnist", "the paper's Figure 3 on MNIST (parity or 10 classes): train p × repeats networks as one batch, "
            + "per-epoch accuracy and stable ranks, APGD-CE l∞ in pixel space, the panels as PNG and report.md");
        var preset = new Option<string>("--preset")
        {
            Description = "paper (data/presets/mnist-paper.yaml: the reference's configuration) or quick (mnist-quick.yaml: a few minutes on 2 CPU cores)",
            DefaultValueFactory = _ => "paper",
        };
        return Create(command, "mnist", new RealConfig { Source = DataSourceKind.Mnist }, RealFields.Mnist, preset);
    }

    /// <summary>`gpuprelu probe --features FILE`.</summary>
    public static Command Probe()
    {
        var command = new Command("probe", "the same study on your own feature table (the paper's Caltech256 experiment's shape): "
            + "train p × repeats networks on the features, per-epoch metrics, APGD-CE l∞ in feature space, plots and report.md");
        return Create(command, "probe", new RealConfig { Source = DataSourceKind.Features, Classes = null }, RealFields.Probe, preset: null);
    }

    private static Command Create(Command command, string verb, RealConfig start, IReadOnlyList<ConfigField<RealConfig>> list, Option<string>? preset)
    {
        var device = CommonOptions.Device();
        var output = CommonOptions.Out($"runs/{verb}");
        var overwrite = CommonOptions.Overwrite();
        var resume = CommonOptions.Resume(verb);
        var fields = new ConfigOptions<RealConfig>(list);
        foreach (var o in new Option?[] { preset, device, output, overwrite, resume })
        {
            if (o is not null)
                command.Options.Add(o);
        }
        fields.AddTo(command);

        command.SetAction(parse =>
        {
            string? file = null;
            if (preset is not null)
            {
                var chosen = parse.GetValue(preset)!.Trim().ToLowerInvariant();
                file = chosen is "paper" or "quick" ? $"mnist-{chosen}"
                    : throw new UsageException($"preset: '{chosen}' is not one of paper, quick");
            }
            var cfg = fields.Build(parse, start, file, file is null ? null : Presets.Load(file));
            CommonOptions.Refuse(cfg.Validate());
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            // the data is read (and refused, naming the file) before the output folder exists
            var data = RealExperiment.Load(cfg);
            bool resuming = parse.GetValue(resume);
            // --resume checkpoints every 10 minutes unless told otherwise; the resolved interval goes into the manifest
            cfg = cfg with { CheckpointMinutes = cfg.CheckpointMinutes ?? (resuming ? 10 : null) };
            // the device's memory plan before the output folder exists
            using var dev = CommonOptions.Open(kind);
            RealExperiment.PlanDevice(cfg, data, dev);
            var outDir = CommonOptions.PrepareRun(parse.GetValue(output)!, parse.GetValue(overwrite), resuming, verb);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{verb}{(file is null ? "" : $" ({file})")}: {cfg.P.Count * cfg.Repeats} networks (p {string.Join(",", cfg.P)} × {cfg.Repeats} repeats), "
                + $"width {cfg.Width}, {cfg.Epochs} epochs of Adam, batch {cfg.BatchSize}"));
            var result = ProgressReporter.Run(verb, (log, progress) =>
                RealExperiment.Run(cfg, verb, new RunContext(dev, outDir) { Log = log, Progress = progress, Cancel = Interrupts.Token }, data));
            foreach (var g in result.RobustAccuracy.Where(r => r.Attack == AttackKind.ApgdCe.Name).GroupBy(r => r.P))
            {
                var curve = string.Join(" ", g.GroupBy(r => r.Radius).Select(h => FormattableString.Invariant($"{h.Key:0.###}:{h.Average(r => r.RobustAcc):0.00}")));
                Console.WriteLine(FormattableString.Invariant($"p={g.Key}: clean test acc {result.Summary.Where(s => s.P == g.Key).Average(s => s.TestAcc):0.0000}, robust_acc (mean) {curve}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir} in {result.WallTime.TotalSeconds:0.#} s (report.md)"));
            return 0;
        });
        return command;
    }
}
