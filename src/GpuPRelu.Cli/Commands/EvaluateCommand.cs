using System.CommandLine;
using GpuPRelu.Devices;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli.Commands;

/// <summary>`gpuprelu evaluate`: loss and accuracy of the networks of a safetensors file (ours, or a PyTorch state_dict
/// of the reference's ShallowPreluNet) on MNIST, a feature table or synthetic data.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "evaluate the networks of a safetensors file (reference state-dict names) on mnist, features or synthetic data");
        var network = new Option<string>("--network") { Description = "networks file (.safetensors): ours, or a PyTorch ShallowPreluNet state_dict", Required = true };
        var p = new Option<string>("--p") { Description = "p of the networks: one value for all or one per network (needed when the file has no p; overrides it)" };
        var normalize = new Option<string>("--normalize-input") { Description = "true | false: divide a_j by ‖x − c‖^(p−1) (the reference's MNIST and Caltech default is true; default: the file's metadata, else false)" };
        var logits = new Option<bool>("--logits") { Description = "also write logits.csv (network, sample, label, logit_0 …)" };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/evaluate");
        var overwrite = CommonOptions.Overwrite();
        var data = new DataOptions();
        foreach (var o in new Option[] { network, p, normalize, logits, device, output, overwrite })
            command.Options.Add(o);
        data.AddTo(command);

        command.SetAction(parse =>
        {
            var cfg = new EvaluateConfig
            {
                Network = parse.GetValue(network)!,
                P = parse.GetValue(p) is { } text ? ValueList.Parse("p", text) : null,
                NormalizeInput = parse.GetValue(normalize) is { } flag ? ParseBool("normalize_input", flag) : null,
                Data = data.Build(parse),
                Logits = parse.GetValue(logits),
            };
            CommonOptions.Refuse(cfg.Validate());
            var kind = CommonOptions.ParseDevice(parse.GetValue(device)!);
            // the networks and the data are read (and refused, naming the file) before the output folder exists
            var inputs = EvaluateExperiment.Load(cfg);
            foreach (var line in inputs.Networks.NonFinite)
                Console.Error.WriteLine($"warning: {line}; its loss and accuracy are reported as NaN");
            var outDir = CommonOptions.PrepareOut(parse.GetValue(output)!, parse.GetValue(overwrite));

            using var dev = CommonOptions.Open(kind);
            var rows = EvaluateExperiment.Run(cfg, dev, outDir, inputs);
            foreach (var r in rows)
                Console.WriteLine($"network {r.Network} (p={r.P}): {r.Data}, {r.Samples} samples, loss {r.Loss:0.000000}, accuracy {r.Accuracy:0.0000}");
            Console.WriteLine($"wrote {outDir}");
            return 0;
        });
        return command;
    }

    static bool ParseBool(string field, string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException($"{field}: '{text}' is not true or false"),
    };
}
