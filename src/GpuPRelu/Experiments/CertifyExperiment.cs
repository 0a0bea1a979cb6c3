using System.Globalization;
using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu certify`: the models and test points of `attack`, each point's certified radius (certified.csv),
/// robust accuracy proven at the grid's radii (robust_accuracy.csv, attack "certified"), and with --attack the attack's
/// rows and each point's attacked radius beside its certified one (a certified radius above it would be a soundness
/// violation: counted in the manifest and the log).</summary>
public static class CertifyExperiment
{
    /// <summary>Runs a validated config in `context` (its folder must exist); the token is polled between points and at
    /// every step of the bound's search and of the attack (the manifest then says "cancelled").</summary>
    public static IReadOnlyList<CertifiedRow> Run(CertifyConfig config, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var c = config.Source;
        var (device, outDir, log) = (context.Device, context.OutDir, context.Log);
        return ExperimentRun.Execute("certify", config, context, run =>
        {
            var (shape, theta, centers, infos, names, imported) = AttackExperiment.Models(c);
            var (points, _) = AttackExperiment.TestPoints(c, shape.Inputs, infos, imported, log);
            if (c.BoxLo is not null && c.Norm != AttackNorm.Linf)
                log?.Invoke("the box bounds l∞ certificates only: l2 and l1 certify the whole ball, a superset (sound, possibly smaller radii)");
            run.EndPhase("data");
            using var net = new NetworkBatch(device, shape, infos, theta, centers);
            int total = points.Sum(p => p.Samples);
            var certified = Certifier.Run(net, points, config.Options,
                done => log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"certified {done}/{total} points")), run.Cancel);
            run.EndPhase("certify");

            string norm = AttackNorms.Name(c.Norm);
            var attacked = config.RunAttack ? Attack(c, net, points, names, outDir, log, run.Cancel) : [];
            if (config.RunAttack)
                run.EndPhase("attack");
            var upper = config.RunAttack ? AttackRadii(c, attacked, points) : null;
            var rows = new List<CertifiedRow>();
            var accuracy = new List<RobustAccuracyRow>();
            int violations = 0;
            for (int b = 0; b < infos.Count; b++)
            {
                var (info, name) = (infos[b], names[b]);
                for (int i = 0; i < points[b].Samples; i++)
                {
                    var (radius, method) = certified[b][i];
                    double? top = upper?[b][i] is { } u && double.IsFinite(u) ? u : null;
                    if (top is { } t && radius > t)
                    {
                        violations++;
                        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{name} point {i}: certified {radius} above the attack's {t} (soundness violation)"));
                    }
                    rows.Add(new(name, info.P, info.Alpha, info.Seed, i, points[b].Y[i], norm, radius, method, top, top - radius));
                }
                foreach (double r in c.Radii)
                {
                    // proven at r: correctly classified and certified up to r (a point is proven at every ε ≤ its radius)
                    int proven = certified[b].Count(q => StudyBounds.Proves(q, r));
                    accuracy.Add(new(name, info.P, info.Alpha, info.Seed, norm, AttackKind.Certified.Name, r, proven / (double)points[b].Samples, points[b].Samples));
                }
                foreach (var (attack, robust, _) in attacked)
                {
                    for (int r = 0; r < c.Radii.Count; r++)
                        accuracy.Add(new(name, info.P, info.Alpha, info.Seed, norm, attack, c.Radii[r], robust[b][r].Count(x => x) / (double)points[b].Samples, points[b].Samples));
                }
            }
            CsvOutput.Write(run.PathOf("certified.csv"), rows);
            CsvOutput.Write(run.PathOf("robust_accuracy.csv"), accuracy);
            Summarize(run, rows, violations, config.RunAttack, log);
            run.EndPhase("write");
            return rows;
        });
    }

    // the attack's steps in order (and the whole sequence), as `attack` runs them
    private static List<(string Name, bool[][][] Robust, AttackOutcome? Outcome)> Attack(AttackConfig c, NetworkBatch net,
        List<Data.DataSet> points, List<string> names, string outDir, Action<string>? log, CancellationToken cancel)
    {
        // fab-t searches each point's smallest norm (as for min_radius.csv), the attacked radius certified.csv reports
        var steps = EvaluationRunner.Run(c with { MinRadius = true }, net, points, names, outDir, log, cancel);
        var list = steps.Select(s => (s.Name, s.Outcome.Robust, (AttackOutcome?)s.Outcome)).ToList();
        if (c.IsSequence)
            list.Add((EvaluationRunner.EnsembleName(c), list[^1].Robust, null));
        return list;
    }

    // per point the smallest radius any attack broke it at (0 where misclassified), fab-t's norm where smaller; ∞ where robust
    private static double[][] AttackRadii(AttackConfig c, List<(string Name, bool[][][] Robust, AttackOutcome? Outcome)> attacked,
        List<Data.DataSet> points)
    {
        var last = attacked[^1].Robust;
        var norms = attacked.Select(a => a.Outcome?.Norms).FirstOrDefault(n => n is not null);
        return [.. points.Select((set, b) => Enumerable.Range(0, set.Samples).Select(i =>
        {
            int broken = Enumerable.Range(0, c.Radii.Count).FirstOrDefault(k => !last[b][k][i], -1);
            double grid = broken < 0 ? double.PositiveInfinity : c.Radii[broken];
            double fab = norms?[b][i] is { } v && double.IsFinite(v) ? v : double.PositiveInfinity;
            return Math.Min(grid, fab);
        }).ToArray())];
    }

    private static void Summarize(ExperimentRun run, List<CertifiedRow> rows, int violations, bool attacked, Action<string>? log)
    {
        foreach (var g in rows.GroupBy(r => r.Network))
        {
            var radii = g.Where(r => r.Method != "misclassified").Select(r => r.CertifiedRadius).Order().ToList();
            double median = radii.Count == 0 ? 0 : radii[radii.Count / 2];
            var ratios = g.Where(r => r.AttackRadius is > 0).Select(r => r.CertifiedRadius / r.AttackRadius!.Value).Order().ToList();
            string gap = ratios.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", median certified/attacked {ratios[ratios.Count / 2]:0.###}") : "";
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{g.Key}: median certified radius {median:0.####} over {radii.Count} correct points{gap}"));
        }
        var all = rows.Where(r => r.AttackRadius is > 0).Select(r => r.CertifiedRadius / r.AttackRadius!.Value).Order().ToList();
        if (all.Count > 0)
            run.Results["median_certified_over_attacked"] = all[all.Count / 2];
        if (attacked)
            run.Results["soundness_violations"] = violations;
    }
}
