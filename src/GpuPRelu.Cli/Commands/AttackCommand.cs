using System.CommandLine;
using System.Globalization;
using GpuPRelu.Attacks;
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
        var network = new Option<FileInfo>("--network") { Description = "networks.safetensors (from train --save, or a PyTorch state dict)" };
        var normalize = new Option<string>("--normalize-input") { Description = "--network: true | false, divide a_j by ‖x − c‖^(p−1) (default: the file's metadata, else false)" };
        var model = new Option<string>("--model") { Description = "F or Fp: the ideal classifiers of the data's centers" };
        var p = new Option<string>("--p") { Description = "--model Fp: degrees of F^(p), list (3); --network: p of the networks, one for all or one per network (default: the file's; needed for a PyTorch state dict)" };
        var inputDim = new Option<string>("--input-dim") { Description = "D of the data (the network file's by default; 100 for --model)" };
        var subclasses = new Option<string>("--subclasses") { Description = "K (10)" };
        var positive = new Option<string>("--positive-subclasses") { Description = "K1 (6)" };
        var randomCenters = new Option<bool>("--random-centers") { Description = "random orthonormal centers instead of e_1..e_K" };
        var alpha = new Option<string>("--alpha") { Description = "α of the data when the network file does not record it (0.01)" };
        var seed = new Option<string>("--seed") { Description = "seed of the data when the network file does not record it (0)" };
        var n = new Option<string>("--n") { Description = "test points per network (1000; real data: its first N samples, all when fewer)" };
        var norm = new Option<string>("--norm") { Description = "l2 | linf | l1 (l2; l1 for APGD in a --box only)" };
        var attack = new Option<string>("--attack") { Description = "pgd | apgd-ce | apgd-dlr | apgd-t | fab-t | square | standard (AutoAttack's sequence), or a comma list such as apgd-ce,apgd-t, each attack on the points still robust (pgd)" };
        var radii = new Option<string>("--radii") { Description = "increasing radii, list or start:stop:count (0:1.5:15)" };
        var steps = new Option<string>("--steps") { Description = "PGD steps or APGD iterations per restart (2000, the paper's, for pgd; 100 for APGD)" };
        var stepSize = new Option<string>("--step-size") { Description = "PGD step (0.1, the paper's; APGD adapts its own from 2ε)" };
        var restarts = new Option<string>("--restarts") { Description = "APGD restarts, each on the points still robust (1)" };
        var randomStart = new Option<bool>("--random-start") { Description = "pgd: start in the ball at random instead of the clean point (APGD always does)" };
        var box = new Option<string>("--box") { Description = "lo,hi: keep inputs in a box, or none (mnist: 0,1 as AutoAttack; otherwise none)" };
        var minRadius = new Option<bool>("--min-radius") { Description = "write min_radius.csv: the exact radius of each point (--model), or FAB-T's smallest perturbation per point, an upper bound (--network)" };
        var device = CommonOptions.Device();
        var output = CommonOptions.Out("runs/attack");
        var overwrite = CommonOptions.Overwrite();
        foreach (var o in new Option[] { network, model, p, inputDim, subclasses, positive, randomCenters, alpha, seed, n, norm, attack,
            radii, steps, stepSize, restarts, randomStart, box, minRadius, device, output, overwrite })
            command.Options.Add(o);
        command.Options.Add(normalize);
        var evaluation = EvaluationOptions.Create();
        evaluation.AddTo(command);
        var data = new DataOptions("synthetic", synthetic: false);
        data.AddTo(command);

        command.SetAction(parse =>
        {
            string? Text(Option<string> o) => parse.GetValue(o);
            var cfg = new AttackConfig
            {
                NetworkFile = parse.GetValue(network)?.FullName,
                Model = Text(model) is { } m ? FieldParsers.Choice("model", m, ("F", IdealKind.F), ("Fp", IdealKind.Fp)) : null,
                RandomCenters = parse.GetValue(randomCenters),
                MinRadius = parse.GetValue(minRadius),
                RandomStart = parse.GetValue(randomStart),
            };
            cfg = Text(p) is { } pt ? cfg with { P = ValueList.Parse("p", pt) } : cfg;
            cfg = Text(inputDim) is { } dt ? cfg with { InputDim = FieldParsers.Count("input_dim", dt) } : cfg;
            cfg = Text(subclasses) is { } kt ? cfg with { Subclasses = FieldParsers.Count("subclasses", kt) } : cfg;
            cfg = Text(positive) is { } k1 ? cfg with { PositiveSubclasses = FieldParsers.Count("positive_subclasses", k1) } : cfg;
            cfg = Text(alpha) is { } at ? cfg with { Alpha = FieldParsers.Number("alpha", at) } : cfg;
            cfg = Text(seed) is { } st ? cfg with { Seed = FieldParsers.Count("seed", st) } : cfg;
            cfg = Text(n) is { } nt ? cfg with { N = FieldParsers.Count("n", nt) } : cfg;
            cfg = Text(norm) is { } no ? cfg with { Norm = FieldParsers.Choice("norm", no, ("l2", AttackNorm.L2), ("linf", AttackNorm.Linf), ("l1", AttackNorm.L1)) } : cfg;
            cfg = Text(attack) is { } ak ? cfg with { Attack = ak.Trim().ToLowerInvariant() } : cfg;
            cfg = Text(radii) is { } rt ? cfg with { Radii = ValueList.Parse("radii", rt) } : cfg;
            cfg = Text(steps) is { } sp ? cfg with { Steps = FieldParsers.Count("steps", sp) } : cfg;
            cfg = Text(stepSize) is { } ss ? cfg with { StepSize = FieldParsers.Number("step_size", ss) } : cfg;
            cfg = Text(restarts) is { } rs ? cfg with { Restarts = FieldParsers.Count("restarts", rs) } : cfg;
            cfg = evaluation.Apply(parse, cfg);
            var source = data.Source(parse);
            if (source != DataSourceKind.Synthetic)
                cfg = cfg with { Data = data.Build(parse) };
            else if (data.Build(parse) != new DataSpec { Source = DataSourceKind.Synthetic })
                throw new UsageException("split, classes, data_dir, pixel_divisor, features, labels, label_column and layer_norm apply to --data mnist or features");
            cfg = Text(normalize) is { } nt2 ? cfg with { NormalizeInput = FieldParsers.Choice("normalize_input", nt2, ("true", true), ("false", false)) } : cfg;
            if (Text(box) is "none")
                cfg = cfg with { BoxLo = null, BoxHi = null };
            else if (Text(box) is null && source == DataSourceKind.Mnist)
                cfg = cfg with { BoxLo = 0, BoxHi = 1 };
            else if (Text(box) is { } bx)
            {
                var parts = bx.Split(',');
                if (parts.Length != 2)
                    throw new UsageException($"box must be lo,hi, got '{bx}'");
                cfg = cfg with { BoxLo = FieldParsers.Number("box", parts[0]), BoxHi = FieldParsers.Number("box", parts[1]) };
            }
            var errors = cfg.Validate();
            if (errors.Count > 0)
                throw new UsageException(errors);
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
            AttackExperiment.Run(cfg, dev, outDir, Console.WriteLine);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {outDir}"));
            return 0;
        });
        return command;
    }
}
