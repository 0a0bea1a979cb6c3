using System.CommandLine;
using System.Globalization;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.Sweeps;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu fig2` and `gpuprelu fig5`: the paper's synthetic study (train, align, attack, distance, plots,
/// report) from a named preset (a file of data/presets), every field overridable by its flag.</summary>
internal static class StudyCommand
{
    /// <summary>The verb `name` whose presets map a preset name (`paper` first, the default) to its file of data/presets
    /// and a short description.</summary>
    public static Command Create(string name, string figure, IReadOnlyList<(string Name, string File, string About)> presets)
    {
        var command = new Command(name, $"the paper's {figure}: train the α × seed × p grid as one batch, then neuron alignment, "
            + "l2 PGD on the networks of the smallest α, distance to F and F^(p), the panels as PNG and report.md");
        var preset = new Option<string>("--preset")
        {
            Description = string.Join("; ", presets.Select(p => $"{p.Name} (data/presets/{p.File}.yaml: {p.About})")),
            DefaultValueFactory = _ => presets[0].Name,
        };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out($"runs/{name}");
        var overwrite = CommonOptions.Overwrite();
        var resume = CommonOptions.Resume(name);
        var fields = new ConfigOptions<StudyConfig>(StudyFields.Verb);
        var planOnly = new Option<bool>("--plan")
        {
            Description = "print the estimated time of the run (calibrated by short runs of it on the device, each phase and the total) and run nothing",
        };
        foreach (var o in new Option[] { preset, device, output, overwrite, resume, planOnly })
            command.Options.Add(o);
        fields.AddTo(command);

        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(preset)!.Trim().ToLowerInvariant();
            var file = presets.FirstOrDefault(p => p.Name == chosen).File
                ?? throw new UsageException($"preset: '{chosen}' is not one of {string.Join(", ", presets.Select(p => p.Name))}");
            var cfg = fields.Build(parse, new StudyConfig(), file, Presets.Load(file));
            CommonOptions.Refuse(cfg.Validate());
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            bool resuming = parse.GetValue(resume);
            // --resume checkpoints every 10 minutes unless told otherwise; the resolved interval goes into the manifest
            cfg = cfg with { Train = cfg.Train with { CheckpointMinutes = cfg.Train.CheckpointMinutes ?? (resuming ? 10 : null) } };
            // the device's memory plan before the output folder exists
            using var dev = CommonOptions.Open(kind);
            TrainExperiment.PlanDevice(cfg.Train, dev);
            if (parse.GetValue(planOnly))
            {
                Console.WriteLine(Describe(figure, file, cfg.Train));
                Console.Write(PlanEstimate.Measure(cfg, name, new RunContext(dev, ".") { Log = Console.WriteLine, Cancel = Interrupts.Token }).Render(cfg));
                return 0;
            }
            var outDir = CommonOptions.PrepareRun(parse.GetValue(output)!, parse.GetValue(overwrite), resuming, name);
            Console.WriteLine(Describe(figure, file, cfg.Train));
            var result = ProgressReporter.Run(name, (log, progress) =>
                StudyExperiment.Run(cfg, name, figure, new RunContext(dev, outDir) { Log = log, Progress = progress, Cancel = Interrupts.Token }));
            foreach (var g in result.RobustAccuracy.Where(r => r.Attack == AttackKind.Pgd.Name).GroupBy(r => r.P))
            {
                var curve = string.Join(" ", g.GroupBy(r => r.Radius).Select(h => FormattableString.Invariant($"{h.Key:0.##}:{h.Average(r => r.RobustAcc):0.00}")));
                Console.WriteLine(FormattableString.Invariant($"p={g.Key}: robust_acc (mean over networks) {curve}"));
            }
            foreach (var g in result.Distance.Where(d => d.P == 1 ? d.Ideal == "F" : d.Ideal == "Fp").GroupBy(d => d.P))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p={g.Key}: distance to its ideal, mean {g.Average(d => d.Distance):0.####}, max {g.Max(d => d.Distance):0.####}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir} in {result.WallTime.TotalSeconds:0.#} s (report.md)"));
            return 0;
        });
        return command;
    }

    private static string Describe(string figure, string file, TrainConfig t) => string.Create(CultureInfo.InvariantCulture,
        $"{figure} ({file}): {t.P.Count * t.Alpha.Count * t.Seeds} networks (p {string.Join(",", t.P)} × {t.Alpha.Count} α × {t.Seeds} seeds), "
        + $"D {t.InputDim}, K {t.Subclasses}, K1 {t.PositiveSubclasses}, h {t.Width}, n_train {t.NTrain}, {t.ResolvedEpochs} epochs");
}
