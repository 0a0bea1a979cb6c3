using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu attack`'s attacks (one alone, a list or standard) as the catalog (AttackKind) builds them: in order, each
/// on the points still robust; with --per-point points.csv, with --save-adversarial adversarial.safetensors.</summary>
internal static class EvaluationRunner
{
    /// <summary>Every attack's outcome in order (see Evaluation.Run; `finished` receives each as it ends), after writing
    /// the per-point files asked for.</summary>
    public static IReadOnlyList<(string Name, AttackOutcome Outcome)> Run(AttackConfig c, NetworkBatch net, IReadOnlyList<DataSet> points,
        IReadOnlyList<string> names, string outDir, Action<string>? log, CancellationToken cancel,
        ICollection<(string Name, AttackOutcome Outcome)>? finished = null)
    {
        bool examples = c.PerPoint || c.SaveAdversarial;
        foreach (var note in c.Attacks.Select(a => a.Note(net.Shape.Outputs)).OfType<string>())
            log?.Invoke(note);
        if (c.IsStandard && AttackKind.All.Where(a => a.InStandard && !a.RunsIn(c.Norm)).ToList() is { Count: > 0 } left)
        {
            log?.Invoke($"{AttackKind.Standard.Name} {AttackNorms.Name(c.Norm)}: {string.Join(", ", c.Attacks.Select(a => a.Name))} ("
                + string.Join("; ", left.Select(a => a.NormError(c.Norm))) + ")");
        }
        var settings = c.Settings with { Cancel = cancel };
        var attacks = c.Attacks.Select(a => (a.Name, a.Build!(settings, net, points, examples))).ToList();
        var steps = Evaluation.Run(attacks, log, finished);
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
        c.IsStandard ? AttackKind.Standard.Name : string.Join("+", c.Attacks.Select(a => a.Name));
}
