using System.Globalization;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Devices;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>`gpuprelu attack`: one batch of models (saved networks or ideal classifiers) × radii × test points attacked
/// together; robust_accuracy.csv (plus exact/certified curves of ideal classifiers), min_radius.csv on request (exact for ideal
/// classifiers; FAB-T's upper bounds for networks, also whenever fab-t runs), manifest.</summary>
public static class AttackExperiment
{
    /// <summary>Runs a validated config in `context` (its folder must exist); its token is polled at every step of every
    /// attack (the manifest then says "cancelled").</summary>
    public static IReadOnlyList<RobustAccuracyRow> Run(AttackConfig config, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ConfigErrors.ThrowIfAny(config.Validate(), nameof(config));
        var (device, outDir, log) = (context.Device, context.OutDir, context.Log);
        return ExperimentRun.Execute("attack", config, context, run =>
        {
            var (shape, theta, centers, infos, names, imported) = Models(config);
            var (points, mu) = TestPoints(config, shape.Inputs, infos, imported, log);
            int count = points[0].Samples;
            run.EndPhase("data");
            using var net = new NetworkBatch(device, shape, infos, theta, centers);
            // one attack, or a sequence, each on the points still robust (a row per attack, the robust accuracy after it,
            // and one for the whole sequence); cancelled, the attacks that had finished keep their rows
            var finished = new List<(string Name, AttackOutcome Outcome)>();
            IReadOnlyList<(string Name, AttackOutcome Outcome)> steps;
            try
            {
                steps = EvaluationRunner.Run(config, net, points, names, outDir, log, run.Cancel, finished);
            }
            catch (OperationCanceledException) when (finished.Count > 0)
            {
                CsvOutput.Write(run.PathOf("robust_accuracy.csv"), Rows(config, theta, shape, infos, names, imported, count, [.. finished.Select(s => (s.Name, s.Outcome.Robust))]));
                log?.Invoke($"cancelled during the attack after {string.Join(", ", finished.Select(s => s.Name))}: their rows are in robust_accuracy.csv (no row of the whole sequence)");
                throw;
            }
            var results = steps.Select(s => (s.Name, s.Outcome.Robust)).ToList();
            if (config.IsSequence)
                results.Add((EvaluationRunner.EnsembleName(config), results[^1].Item2));
            if (config.NetworkFile is not null && config.MinRadius)
                WriteNetworkRadii(config, net, points, infos, names, steps, outDir, log, run.Cancel);
            run.EndPhase("attack");

            for (int b = 0; b < infos.Count; b++)
            {
                foreach (var line in imported?.NonFinite.Where(v => v.Network == b) ?? [])
                    log?.Invoke($"{line}; its robust accuracy is reported as NaN");
                if (imported is null && !NetworkBatch.IsFinite(theta, shape, b))
                    log?.Invoke($"{names[b]}: parameters are NaN or infinite; its robust accuracy is reported as NaN");
            }
            var rows = Rows(config, theta, shape, infos, names, imported, count, results);
            if (config.Model is { } kind)
            {
                log?.Invoke($"exact radii of {string.Join(", ", names)} on {count} points");
                rows.AddRange(ExactCurves(config, kind, infos, names, mu, points, outDir));
            }
            CsvOutput.Write(run.PathOf("robust_accuracy.csv"), rows);
            foreach (var g in rows.GroupBy(r => (r.Network, r.Attack)))
            {
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{g.Key.Network} {g.Key.Attack}: robust_acc {string.Join(" ", g.Select(r => $"{r.Radius:0.##}:{r.RobustAcc:0.00}"))}"));
            }
            run.EndPhase("write");
            return rows;
        });
    }

    /// <summary>Each network's test points and (synthetic data) centers: real data's first N samples, the same for every
    /// network; or each network's own α and seed, the test stream of the training generator.</summary>
    internal static (List<DataSet> Points, List<double[]> Centers) TestPoints(AttackConfig config, int inputs, List<NetworkInfo> infos,
        ImportedNetworks? imported, Action<string>? log)
    {
        if (config.Data is { } spec)
        {
            var data = Points(spec, imported!, config.N);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Describe()}: {data.Samples} points, {data.Classes} classes{(config.BoxLo is { } lo ? $", box [{lo}, {config.BoxHi}]" : "")}"));
            return ([.. infos.Select(_ => data)], []);
        }
        List<double[]> mu = [.. infos.Select(n => SubclassData.Centers(inputs, config.Subclasses, config.RandomCenters, n.Seed))];
        return ([.. infos.Select((n, b) => SubclassData.Generate(mu[b], inputs, config.Subclasses, config.PositiveSubclasses, n.Alpha,
            config.N, n.Seed, test: true))], mu);
    }

    /// <summary>The first n samples of real data (all when fewer), checked against the networks before any work.</summary>
    public static DataSet Points(DataSpec spec, ImportedNetworks networks, int n)
    {
        var data = (spec with { Samples = null }).Load(networks.Shape.Inputs, networks.Shape.Outputs);
        networks.CheckFits(data, spec.Describe());
        return data.Head(n);
    }

    /// <summary>The models of the config: a network file's networks, or F / F^(p) on the data's centers, with their names.</summary>
    internal static (Kernels.BatchShape, float[], float[], List<NetworkInfo>, List<string>, ImportedNetworks?) Models(AttackConfig c)
    {
        if (c.NetworkFile is { } file)
        {
            var networks = ImportedNetworks.Read(file, c.P, c.NormalizeInput);
            var shape = networks.Shape;
            if (c.ValidateModel(shape, file) is { Count: > 0 } errors)
                throw new InvalidDataException(string.Join("; ", errors));
            // real data has no α (NaN in the CSV); a network's seed is the file's where it records one (attack starts are
            // keyed by it, so a saved mnist/probe study reproduces its own robust accuracy), else the config's
            var alpha = c.Data is null ? networks.Alpha : null;
            var seed = networks.Seed;
            var infos = Enumerable.Range(0, shape.Networks).Select(b => new NetworkInfo(b, networks.P[b],
                c.Data is null ? alpha?[b] ?? c.Alpha : double.NaN, (int)(seed?[b] ?? c.Seed), b)).ToList();
            return (shape, networks.Theta, networks.Centers, infos, [.. infos.Select(n => n.Index.ToString(CultureInfo.InvariantCulture))], networks);
        }
        var kind = c.Model!.Value;
        int D = c.InputDim ?? 100;
        var ps = kind == IdealKind.F ? [1.0] : c.P ?? [3.0];
        var mu = SubclassData.Centers(D, c.Subclasses, c.RandomCenters, c.Seed);
        var (s, th) = IdealClassifier.Parameters(kind, D, c.Subclasses, c.PositiveSubclasses, [.. ps.Select(_ => mu)]);
        var list = ps.Select((p, b) => new NetworkInfo(b, p, c.Alpha, c.Seed, b)).ToList();
        var names = ps.Select(p => kind == IdealKind.F ? "F" : string.Create(CultureInfo.InvariantCulture, $"F^({p:0.##})")).ToList();
        return (s, th, new float[ps.Count * D], list, names, null);
    }

    // min_radius.csv of trained networks: FAB-T's smallest norm per point, an upper bound on the radius; from the run's own
    // FAB-T when it attacked every point still robust, else from a FAB-T run on every point (AutoAttack's settings, 100 iterations)
    private static void WriteNetworkRadii(AttackConfig c, NetworkBatch net, List<DataSet> points, List<NetworkInfo> infos, List<string> names,
        IReadOnlyList<(string Name, AttackOutcome Outcome)> steps, string outDir, Action<string>? log, CancellationToken cancel)
    {
        var norms = steps.FirstOrDefault(s => s.Name == AttackKind.FabT.Name).Outcome?.Norms;
        if (norms is null)
        {
            log?.Invoke("min_radius: running fab-t on every point for the upper bounds");
            var fab = FabOptions.Of(c.Settings with { Cancel = cancel });
            var options = c.Attacks.Contains(AttackKind.FabT) ? fab : fab with { Iterations = c.Attacks.Contains(AttackKind.Pgd) ? 100 : c.ResolvedSteps, Restarts = 1 };
            norms = Fab.RunOn(net, points, c.Radii, options, null, false).Norms!;
        }
        string norm = AttackNorms.Name(c.Norm);
        var rows = new List<NetworkRadiusRow>();
        for (int b = 0; b < infos.Count; b++)
        {
            for (int i = 0; i < points[b].Samples; i++)
            {
                double v = norms[b][i];
                rows.Add(new NetworkRadiusRow(names[b], infos[b].P, i, points[b].Y[i], norm, double.IsFinite(v) ? v : null,
                    v == 0 ? "clean" : double.IsFinite(v) ? "fab-t upper bound" : "none found"));
            }
        }
        CsvOutput.Write(Path.Combine(outDir, "min_radius.csv"), rows);
    }

    // a row per network, attack and radius: the robust accuracy after the attack (NaN for a network that is not finite)
    private static List<RobustAccuracyRow> Rows(AttackConfig config, float[] theta, Kernels.BatchShape shape, List<NetworkInfo> infos, List<string> names,
        ImportedNetworks? imported, int count, List<(string Name, bool[][][] Robust)> results)
    {
        string norm = AttackNorms.Name(config.Norm);
        var rows = new List<RobustAccuracyRow>();
        for (int b = 0; b < infos.Count; b++)
        {
            bool diverged = !NetworkBatch.IsFinite(theta, shape, b) || imported is { } file && !file.IsFinite(b);
            foreach (var (attack, robust) in results)
            {
                for (int r = 0; r < config.Radii.Count; r++)
                {
                    double acc = diverged ? double.NaN : robust[b][r].Count(x => x) / (double)count;
                    rows.Add(new(names[b], infos[b].P, infos[b].Alpha, infos[b].Seed, norm, attack, config.Radii[r], acc, count));
                }
            }
        }
        return rows;
    }

    private static List<RobustAccuracyRow> ExactCurves(AttackConfig c, IdealKind kind, List<NetworkInfo> infos, List<string> names,
        List<double[]> mu, List<DataSet> points, string outDir)
    {
        var rows = new List<RobustAccuracyRow>();
        var radiusRows = new List<MinRadiusRow>();
        for (int b = 0; b < infos.Count; b++)
        {
            var (lower, upper, exact) = RobustRadius.OfPoints(kind, infos[b].P, points[b], mu[b], c.Subclasses, c.PositiveSubclasses);
            for (int i = 0; i < c.N; i++)
                radiusRows.Add(new MinRadiusRow(names[b], infos[b].P, i, points[b].Y[i], lower[i], upper[i]));
            // certified: from the lower bounds
            var accuracy = RobustRadius.Accuracy(c.Radii, lower);
            for (int r = 0; r < c.Radii.Count; r++)
                rows.Add(new(names[b], infos[b].P, infos[b].Alpha, infos[b].Seed, "l2", (exact ? AttackKind.Exact : AttackKind.Certified).Name, c.Radii[r], accuracy[r], c.N));
        }
        if (c.MinRadius)
            CsvOutput.Write(Path.Combine(outDir, "min_radius.csv"), radiusRows);
        return rows;
    }
}
