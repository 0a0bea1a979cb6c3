using System.CommandLine;
using GpuPRelu.Experiments;

namespace GpuPRelu.Cli;

/// <summary>The flags of `attack` that belong to evaluations (APGD-T, FAB-T, Square, per-point output), mapping 1:1 to AttackConfig.</summary>
internal sealed class EvaluationOptions
{
    readonly Option<string> _targets = new("--targets") { Description = "apgd-t, fab-t: target classes, the top ones of the clean logits after the label (all C − 1; one for one output)" };
    readonly Option<string> _queries = new("--queries") { Description = "square: queries per point (5000)" };
    readonly Option<bool> _perPoint = new("--per-point") { Description = "write points.csv: per network and point, the smallest radius it broke at, the attack, the perturbation's norm" };
    readonly Option<bool> _saveAdversarial = new("--save-adversarial") { Description = "write adversarial.safetensors: x_adv [networks, radii, points, D], radii, broken_at" };

    public static EvaluationOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _targets, _queries, _perPoint, _saveAdversarial })
            command.Options.Add(o);
    }

    /// <summary>The config with the flags given.</summary>
    public AttackConfig Apply(ParseResult parse, AttackConfig cfg)
    {
        cfg = cfg with { PerPoint = parse.GetValue(_perPoint), SaveAdversarial = parse.GetValue(_saveAdversarial) };
        cfg = parse.GetValue(_targets) is { } t ? cfg with { Targets = FieldParsers.Count("targets", t) } : cfg;
        return parse.GetValue(_queries) is { } q ? cfg with { Queries = FieldParsers.Count("queries", q) } : cfg;
    }
}
