using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu attack` with the APGD, FAB-T and Square attacks (alone, a list or standard): the attacks in order, each on the points
/// still robust; with --per-point points.csv, with --save-adversarial adversarial.safetensors.</summary>
internal static class EvaluationRunner
{
    /// <summary>Every attack's outcome in order (see Evaluation.Run), after writing the per-point files asked for.</summary>
    public static IReadOnlyList<(string Name, AttackOutcome Outcome)> Run(AttackConfig c, NetworkBatch net, IReadOnlyList<DataSet> points,
        IReadOnlyList<string> names, string outDir, Action<string>? log, CancellationToken cancel)
    {
        bool examples = c.PerPoint || c.SaveAdversarial;
        if (net.Shape.Outputs == 1 && c.Attacks.Contains(AttackKind.ApgdT))
            log?.Invoke("one output: apgd-t ascends the margin loss −y·f towards the other class (AutoAttack's targeted DLR needs ≥ 4 classes), one target");
        else if (net.Shape.Outputs is 2 or 3 && c.Attacks.Contains(AttackKind.ApgdT))
        {
            log?.Invoke(net.Shape.Outputs == 2
                ? "two classes: apgd-t ascends the margin loss f_t − f_y (AutoAttack's targeted DLR needs ≥ 4 classes), one target"
                : "three classes: apgd-t's DLR denominator is f_π1 − f_π3 (AutoAttack's needs a fourth logit)");
        }
        if (net.Shape.Outputs == 1 && c.Attacks.Contains(AttackKind.FabT))
            log?.Invoke("one output: fab-t linearizes the margin itself, q = −y·f, as the single logit difference (one target)");
        if (c.IsStandard && c.Norm == AttackNorm.L1)
            log?.Invoke("standard l1: apgd-ce, apgd-t, fab-t (AutoAttack's l1 Square is not implemented)");
        var attacks = c.Attacks.Select(kind => (AttackNames.Name(kind), Member(c, net, points, kind, examples, cancel))).ToList();
        var steps = Evaluation.Run(attacks, log);
        if (examples)
        {
            var clean = Evaluation.CleanCorrect(net, points);
            if (c.PerPoint)
                CsvOutput.Write(Path.Combine(outDir, "points.csv"), PerPoint.Rows(names, points, c.Radii, clean, steps, c.Norm));
            if (c.SaveAdversarial)
                PerPoint.WriteAdversarial(Path.Combine(outDir, "adversarial.safetensors"), points, c.Radii, clean, steps, c.Norm);
        }
        return steps;
    }

    /// <summary>The name robust_accuracy.csv gives the whole sequence: standard, or the list joined by '+'.</summary>
    public static string EnsembleName(AttackConfig c) =>
        c.IsStandard ? "standard" : string.Join("+", c.Attacks.Select(AttackNames.Name));

    private static Func<bool[][][]?, AttackOutcome> Member(AttackConfig c, NetworkBatch net, IReadOnlyList<DataSet> points, AttackKind kind, bool examples,
        CancellationToken cancel)
    {
        if (kind == AttackKind.Square)
            return before => Square.RunOn(net, points, c.Radii, c.ToSquare() with { Cancel = cancel }, before, examples);
        if (kind == AttackKind.FabT)
        {
            // a point's search stops once its norm is within the grid's smallest positive radius (its verdicts are final),
            // unless its smallest norm is asked for (min_radius.csv, points.csv's norms, the examples)
            bool minimal = c.MinRadius || c.PerPoint || examples;
            double? stop = minimal || !c.Radii.Any(r => r > 0) ? null : c.Radii.Where(r => r > 0).Min();
            return before => Fab.RunOn(net, points, c.Radii, c.ToFab() with { StopAt = stop, Cancel = cancel }, before, examples);
        }
        var loss = kind switch
        {
            AttackKind.ApgdCe => ApgdLoss.CrossEntropy,
            AttackKind.ApgdDlr => ApgdLoss.Dlr,
            AttackKind.ApgdT => ApgdLoss.TargetedDlr,
            _ => throw new ArgumentException($"attack {AttackNames.Name(kind)} cannot run in an evaluation", nameof(kind)),
        };
        return before => Apgd.RunOn(net, points, c.Radii, c.ToApgd(loss) with { Cancel = cancel }, before, examples);
    }
}
