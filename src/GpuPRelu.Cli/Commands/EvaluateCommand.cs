using System.CommandLine;
using GpuPRelu.Configs;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu evaluate`: loss and accuracy of the networks of a safetensors file (ours, or a PyTorch state_dict
/// of the reference's ShallowPreluNet) on MNIST, a feature table or synthetic data.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "evaluate the networks of a safetensors file (reference state-dict names) on mnist, features or synthetic data");
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/evaluate");
        var overwrite = CommonOptions.Overwrite();
        var fields = new ConfigOptions<EvaluateConfig>(EvaluateFields.All, defaults: new EvaluateConfig());
        fields.AddTo(command);
        foreach (var o in new Option[] { device, output, overwrite })
            command.Options.Add(o);

        command.SetAction(parse =>
        {
            var cfg = fields.Build(parse, new EvaluateConfig(), null, null);
            CommonOptions.Refuse(cfg.Validate());
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            // the networks and the data are read (and refused, naming the file) before the output folder exists
            var inputs = EvaluateExperiment.Load(cfg);
            foreach (var line in inputs.Networks.NonFinite)
                Console.Error.WriteLine($"warning: {line}; its loss and accuracy are reported as NaN");
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));

            using var dev = CommonOptions.Open(kind);
            var rows = EvaluateExperiment.Run(cfg, new RunContext(dev, outDir) { Cancel = Interrupts.Token }, inputs);
            foreach (var r in rows)
                Console.WriteLine($"network {r.Network} (p={r.P}): {r.Data}, {r.Samples} samples, loss {r.Loss:0.000000}, accuracy {r.Accuracy:0.0000}");
            Console.WriteLine($"wrote {outDir}");
            return 0;
        });
        return command;
    }
}
