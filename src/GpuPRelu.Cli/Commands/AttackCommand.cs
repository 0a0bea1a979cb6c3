using System.CommandLine;
using System.Globalization;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu attack`: robust accuracy of saved networks or of the ideal classifiers over a grid of radii.</summary>
internal static class AttackCommand
{
    public static Command Create()
    {
        var command = new Command("attack", "attack saved networks (--network: ours or a PyTorch state dict) or the ideal classifiers (--model F|Fp) on synthetic, mnist or feature data");
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/attack");
        var overwrite = CommonOptions.Overwrite();
        var fields = new ConfigOptions<AttackConfig>(AttackFields.All, defaults: new AttackConfig());
        fields.AddTo(command);
        foreach (var o in new Option[] { device, output, overwrite })
            command.Options.Add(o);

        command.SetAction(parse =>
        {
            var given = new HashSet<string>();
            var cfg = fields.Build(parse, new AttackConfig(), null, null, given);
            // MNIST pixels stay in [0, 1] unless a box (or none) is given, as AutoAttack's
            if (!given.Contains("box") && cfg.Data?.Source == DataSourceKind.Mnist)
                cfg = cfg with { BoxLo = 0, BoxHi = 1 };
            CommonOptions.Refuse(cfg.Validate());
            if (cfg.NetworkFile is { } path && InputFile.Problem("network", path) is { } problem)
                throw new UsageException(problem);
            // what needs the networks' shape (input dimension, classes for DLR) is checked before the output folder exists
            if (cfg.NetworkFile is { } file && cfg.ValidateModel(NetworkFile.Read(file).Shape, file) is { Count: > 0 } modelErrors)
                throw new UsageException(modelErrors);
            // so do p, and real data against the networks (its features, its classes)
            if (cfg.NetworkFile is { } netFile)
            {
                var imported = ImportedNetworks.Read(netFile, cfg.P, cfg.NormalizeInput);
                if (cfg.Data is { } spec)
                    AttackExperiment.Points(spec, imported, cfg.N);
            }
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));
            using var dev = CommonOptions.Open(kind);
            AttackExperiment.Run(cfg, new RunContext(dev, outDir) { Log = Console.WriteLine, Cancel = Interrupts.Token });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir}"));
            return 0;
        });
        return command;
    }
}
