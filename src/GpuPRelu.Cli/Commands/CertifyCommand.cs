using System.CommandLine;
using System.Globalization;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu certify`: certified radii of saved networks or of the ideal classifiers, per test point.</summary>
internal static class CertifyCommand
{
    public static Command Create()
    {
        var command = new Command("certify", "prove robustness from below: per test point the largest radius at which the decision of a saved network (--network) or of F / F^(p) (--model) cannot change (docs/certify.md)");
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/certify");
        var overwrite = CommonOptions.Overwrite();
        var fields = new ConfigOptions<CertifyConfig>(CertifyFields.All, defaults: new CertifyConfig());
        fields.AddTo(command);
        foreach (var o in new Option[] { device, output, overwrite })
            command.Options.Add(o);

        command.SetAction(parse =>
        {
            var given = new HashSet<string>();
            var cfg = fields.Build(parse, new CertifyConfig(), null, null, given);
            // MNIST pixels stay in [0, 1] unless a box (or none) is given, as `attack`
            if (!given.Contains("box") && cfg.Source.Data?.Source == DataSourceKind.Mnist)
                cfg = cfg with { Source = cfg.Source with { BoxLo = 0, BoxHi = 1 } };
            CommonOptions.Refuse(cfg.Validate());
            // the networks' shape, p and the real data are checked before the output folder exists
            if (cfg.Source.NetworkFile is { } file)
            {
                if (InputFile.Problem("network", file) is { } problem)
                    throw new UsageException(problem);
                if (cfg.Source.ValidateModel(NetworkFile.Read(file).Shape, file) is { Count: > 0 } modelErrors)
                    throw new UsageException(modelErrors);
                var imported = ImportedNetworks.Read(file, cfg.Source.P, cfg.Source.NormalizeInput);
                var bad = imported.P.Where(p => !(p >= 1) || double.IsInfinity(p)).ToList();
                if (bad.Count > 0)
                    throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: p {bad[0]}; certification needs a finite p ≥ 1"));
                if (cfg.Source.Data is { } spec)
                    AttackExperiment.Points(spec, imported, cfg.Source.N);
            }
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));
            using var dev = CommonOptions.Open(kind);
            CertifyExperiment.Run(cfg, new RunContext(dev, outDir) { Log = Console.WriteLine, Cancel = Interrupts.Token });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir}"));
            return 0;
        });
        return command;
    }
}
