using System.Text.Json;
using System.Text.Json.Serialization;
using GpuPRelu.Data;
using GpuPRelu.Models;
using GpuPRelu.Training;
using ApgdAttack = GpuPRelu.Attacks.Apgd;
using PgdAttack = GpuPRelu.Attacks.Pgd;
using SquareAttack = GpuPRelu.Attacks.Square;

namespace GpuPRelu.Attacks;

/// <summary>The attack catalog: each attack `gpuprelu attack` runs, and each bound robust_accuracy.csv reports, declared
/// once — its name (flags, config files, CSV rows), the norms it runs in, how it may be asked for, the config options it
/// reads, its place in AutoAttack's standard sequence, the rules of its options and how it runs. The parser, the help
/// text, the error messages, the standard sequence and the runners read this table (All); an attack is added here.</summary>
[JsonConverter(typeof(NameJson))]
public sealed record AttackKind
{
    // the options that apply to some attacks only (AttackConfig refuses one set when no attack of the list reads it)
    private static readonly string[] RestartsOption = ["restarts"];
    private static readonly string[] TargetedOptions = ["restarts", "targets"];

    /// <summary>The paper's l2 PGD (docs/attacks.md §1): 2000 steps of 0.1 from the clean point, the loss a mean over the points.</summary>
    public static readonly AttackKind Pgd = new("pgd", AttackPlacement.Alone, [AttackNorm.L2, AttackNorm.Linf])
    {
        Options = ["step_size"],
        DefaultSteps = 2000,
        KeepsExamples = false,
        Check = (s, _, _) => PgdOptions.Of(s, LossKind.Exp, 1).Validate(),
        // the exponential loss for one output (the paper's), else the cross-entropy; a mean over the attacked points
        Build = (s, net, points, _) => _ => new AttackOutcome(PgdAttack.Run(net, points, s.Radii,
            PgdOptions.Of(s, net.Shape.Outputs == 1 ? LossKind.Exp : LossKind.CrossEntropy, points[0].Samples)), null),
    };

    /// <summary>APGD on the cross-entropy (the logistic loss for one output).</summary>
    public static readonly AttackKind ApgdCe = ApgdEntry("apgd-ce", ApgdLoss.CrossEntropy, inStandard: true);

    /// <summary>APGD on the DLR loss (≥ 3 classes).</summary>
    public static readonly AttackKind ApgdDlr = ApgdEntry("apgd-dlr", ApgdLoss.Dlr, inStandard: false);

    /// <summary>APGD on the targeted DLR loss, `Restarts` runs per target class.</summary>
    public static readonly AttackKind ApgdT = ApgdEntry("apgd-t", ApgdLoss.TargetedDlr, inStandard: true) with
    {
        Options = TargetedOptions,
        Note = outputs => outputs switch
        {
            1 => "one output: apgd-t ascends the margin loss −y·f towards the other class (AutoAttack's targeted DLR needs ≥ 4 classes), one target",
            2 => "two classes: apgd-t ascends the margin loss f_t − f_y (AutoAttack's targeted DLR needs ≥ 4 classes), one target",
            3 => "three classes: apgd-t's DLR denominator is f_π1 − f_π3 (AutoAttack's needs a fourth logit)",
            _ => null,
        },
    };

    /// <summary>FAB-T: the targeted minimal-norm attack (docs/attacks.md §9.3), `Restarts` runs per target class.</summary>
    public static readonly AttackKind FabT = new("fab-t", AttackPlacement.AloneOrInList, [AttackNorm.Linf, AttackNorm.L2, AttackNorm.L1])
    {
        Options = TargetedOptions,
        InStandard = true,
        Check = (s, classes, _) => FabOptions.Of(s).Validate(classes),
        // a point's search stops once its norm is within the grid's smallest positive radius (its verdicts are final),
        // unless its smallest norm is asked for (min_radius.csv, points.csv's norms, the examples)
        Build = (s, net, points, examples) =>
        {
            double? stop = s.MinimalNorms || !s.Radii.Any(r => r > 0) ? null : s.Radii.Where(r => r > 0).Min();
            var options = FabOptions.Of(s) with { StopAt = stop };
            return before => Fab.RunOn(net, points, s.Radii, options, before, examples);
        },
        Note = outputs => outputs == 1 ? "one output: fab-t linearizes the margin itself, q = −y·f, as the single logit difference (one target)" : null,
    };

    /// <summary>The Square attack (score-based, no gradients; docs/attacks.md §9.4).</summary>
    public static readonly AttackKind Square = new("square", AttackPlacement.AloneOrInList, [AttackNorm.Linf, AttackNorm.L2])
    {
        Options = ["queries", "square_draws"],
        InStandard = true,
        Check = (s, _, inputs) => SquareOptions.Of(s).Validate(inputs),
        Build = (s, net, points, examples) => before => SquareAttack.RunOn(net, points, s.Radii, SquareOptions.Of(s), before, examples),
    };

    /// <summary>AutoAttack's standard sequence for the norm (StandardSequence); it runs alone and reads its members' options.</summary>
    public static readonly AttackKind Standard = new("standard", AttackPlacement.Alone, [AttackNorm.Linf, AttackNorm.L2, AttackNorm.L1])
    {
        Summary = "AutoAttack's sequence",
    };

    /// <summary>The exact radius of an ideal classifier (F, and F^(p) for p ≥ 2): robust_accuracy.csv's curve from it.</summary>
    public static readonly AttackKind Exact = new("exact", AttackPlacement.Bound, [AttackNorm.L2]);

    /// <summary>A certified lower bound on each point's radius (F^(p) for p &lt; 2): robust_accuracy.csv's curve from it.</summary>
    public static readonly AttackKind Certified = new("certified", AttackPlacement.Bound, [AttackNorm.L2]);

    /// <summary>The catalog in help order.</summary>
    public static IReadOnlyList<AttackKind> All { get; } = [Pgd, ApgdCe, ApgdDlr, ApgdT, FabT, Square, Standard, Exact, Certified];

    private AttackKind(string name, AttackPlacement placement, IReadOnlyList<AttackNorm> norms)
    {
        Name = name;
        Placement = placement;
        Norms = norms;
    }

    private static AttackKind ApgdEntry(string name, ApgdLoss loss, bool inStandard) =>
        new(name, AttackPlacement.AloneOrInList, [AttackNorm.Linf, AttackNorm.L2, AttackNorm.L1])
        {
            Options = RestartsOption,
            InStandard = inStandard,
            Check = (s, classes, _) => ApgdOptions.Of(s, loss).Validate(classes),
            Build = (s, net, points, examples) =>
                before => ApgdAttack.RunOn(net, points, s.Radii, ApgdOptions.Of(s, loss), before, examples),
        };

    /// <summary>The name on the command line, in config files and in robust_accuracy.csv's attack column.</summary>
    public string Name { get; }

    /// <summary>How it may be asked for.</summary>
    public AttackPlacement Placement { get; }

    /// <summary>The norms it runs in.</summary>
    public IReadOnlyList<AttackNorm> Norms { get; }

    /// <summary>A few words the help text adds after the name (null: none).</summary>
    public string? Summary { get; private init; }

    /// <summary>The options (config keys) that apply to it and to no attack without it.</summary>
    public IReadOnlyList<string> Options { get; private init; } = [];

    /// <summary>True for a member of AutoAttack's standard sequence (in catalog order, for the norms it runs in).</summary>
    public bool InStandard { get; private init; }

    /// <summary>Its iterations when steps is not given.</summary>
    public int DefaultSteps { get; private init; } = 100;

    /// <summary>True when it keeps the adversarial example of each point it breaks (points.csv, adversarial.safetensors).</summary>
    public bool KeepsExamples { get; private init; } = true;

    /// <summary>The rules its options break for a model of `classes` classes and D `inputs` (an option's own rules).</summary>
    internal Func<AttackSettings, int, int, IReadOnlyList<string>> Check { get; private init; } = (_, _, _) => [];

    /// <summary>The attack on a batch and its points: the run on the rows the attacks before it left robust (null: all),
    /// keeping the examples when asked; null for the standard sequence and the bounds, which are not one attack.</summary>
    internal Func<AttackSettings, NetworkBatch, IReadOnlyList<DataSet>, bool, Func<bool[][][]?, AttackOutcome>>? Build { get; private init; }

    /// <summary>What the log says before it runs on models of the given outputs (null: nothing).</summary>
    internal Func<int, string?> Note { get; private init; } = _ => null;

    /// <summary>True when it runs in the norm.</summary>
    public bool RunsIn(AttackNorm norm) => Norms.Contains(norm);

    /// <summary>The attacks `--attack` takes: every entry but the bounds.</summary>
    public static IEnumerable<AttackKind> Selectable => All.Where(a => a.Placement != AttackPlacement.Bound);

    /// <summary>The attacks a comma list takes.</summary>
    public static IEnumerable<AttackKind> Listable => All.Where(a => a.Placement == AttackPlacement.AloneOrInList);

    /// <summary>AutoAttack's standard sequence (docs/attacks.md §9.1; autoattack.py's `standard`): APGD-CE, APGD-T, FAB-T,
    /// Square, each for the norms it runs in (l1: without Square, whose l1 variant is not implemented).</summary>
    public static IReadOnlyList<AttackKind> StandardSequence(AttackNorm norm) => [.. All.Where(a => a.InStandard && a.RunsIn(norm))];

    /// <summary>The attacks of the list that read the option (config key), joined as a sentence ("apgd-t and fab-t").</summary>
    public static string Reading(string option) => Sentence(Selectable.Where(a => a.Options.Contains(option)).Select(a => a.Name));

    /// <summary>The help of `--attack`: every attack it takes, and what a list is.</summary>
    public static string Help => string.Join(" | ", Selectable.Select(a => a.Summary is { } s ? $"{a.Name} ({s})" : a.Name))
        + $", or a comma list such as {string.Join(",", StandardSequence(AttackNorm.L2).Take(2).Select(a => a.Name))}, each attack on the points still robust";

    /// <summary>The error for a name that is no attack `--attack` takes.</summary>
    public static string Unknown(string name) =>
        $"attack must be {string.Join(", ", Selectable.Select(a => a.Name))} or a comma list of {string.Join(", ", Listable.Select(a => a.Name))}; got {name}";

    /// <summary>The error for a norm the attack does not run in; null when it does.</summary>
    public string? NormError(AttackNorm norm) =>
        RunsIn(norm) ? null : $"norm {Symbol(norm)}: {Name} runs {Sentence(Norms.Select(Symbol))} only";

    /// <summary>The entry named `name` (case-insensitive), null when none is.</summary>
    public static AttackKind? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses one name or a comma list (case-insensitive); a name `--attack` does not take throws FormatException naming it.</summary>
    public static AttackKind[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Trim().Split(',').Select(part => part.Trim()).Select(name =>
            Find(name) is { Placement: not AttackPlacement.Bound } kind ? kind : throw new FormatException(Unknown(name.ToLowerInvariant())))];
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string Sentence(IEnumerable<string> words)
    {
        var list = words.ToList();
        return list.Count < 2 ? string.Concat(list) : $"{string.Join(", ", list.Take(list.Count - 1))} and {list[^1]}";
    }

    private static string Symbol(AttackNorm norm) => norm switch { AttackNorm.L2 => "l2", AttackNorm.L1 => "l1", _ => "l∞" };

    public override string ToString() => Name;

    // manifest.json writes an attack as its name
    private sealed class NameJson : JsonConverter<AttackKind>
    {
        public override AttackKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Find(reader.GetString() ?? "") ?? throw new JsonException($"unknown attack {reader.GetString()}");

        public override void Write(Utf8JsonWriter writer, AttackKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
    }
}
