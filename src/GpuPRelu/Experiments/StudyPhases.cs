using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Certification;
using GpuPRelu.Configs;
using GpuPRelu.IO;
using GpuPRelu.Models;
using GpuPRelu.Plots;

namespace GpuPRelu.Experiments;

/// <summary>The phases of the synthetic study, each a StudyPhase of a StudyState: train, alignment, the l2 PGD attack,
/// the exact radii of F and F^(p), the minimal radii, the distance to F and F^(p). `gpuprelu fig2`/`fig5` run Figure's
/// list; a sweep's batch (Sweeps/BatchRunner) runs the ones its phases name, with the whole batch attacked.</summary>
public static class StudyPhases
{
    /// <summary>The fig2/fig5 study: train (with the dynamics' snapshots when snapshots > 0, networks.safetensors with
    /// save), every neuron's alignment, PGD on the networks of the smallest α, the exact radii of F and F^(p) on the same
    /// points, with min_radius each point's radius, then the distance of every network.</summary>
    public static IReadOnlyList<StudyPhase<StudyState>> Figure(StudyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return
        [
            Train(config.Snapshots > 0, config.Train.Save),
            Alignment(everyNeuron: true),
            Attack(smallestAlpha: true),
            ExactRadii,
            .. Bounds(config, smallestAlpha: true),
            .. config.MinRadius ? [MinRadius] : Array.Empty<StudyPhase<StudyState>>(),
            Distance,
        ];
    }

    /// <summary>Trains the batch (TrainExperiment.TrainBatch: training.csv, summary.csv; its checkpoints and resume),
    /// taking the dynamics' snapshots (dynamics.csv) when `snapshots`, and writes networks.safetensors when `save`.</summary>
    public static StudyPhase<StudyState> Train(bool snapshots, bool save) => new("train",
        ["training.csv", "summary.csv", .. snapshots ? ["dynamics.csv"] : Array.Empty<string>(), .. save ? ["networks.safetensors"] : Array.Empty<string>()],
        s =>
        {
            // Fig. 1: the first seed's networks (one per p) at the smallest α, log-spaced over the whole run
            var dynamics = s.Dynamics = snapshots
                ? new NeuronDynamics(s.Net, s.Data.Centers, NeuronDynamics.LogSpacedSteps(StudyExperiment.TotalSteps(s.Config.Train), Math.Max(2, s.Config.Snapshots)),
                    [.. s.Plan.Networks.Where(n => n.DataSet == 0).Select(n => n.Index)])
                : null;
            if (dynamics is not null && s.Checkpoint is { } checkpoint)
                KeepSnapshots(dynamics, Path.Combine(checkpoint.Folder, "dynamics.csv"));
            s.Log?.Invoke($"training {s.Plan.Networks.Count} networks");
            s.Summary = TrainExperiment.TrainBatch(s.Plan, s.Net, s.Data.Train, s.Data.Test, s.OutDir, s.Log, s.Progress, (epoch, step, time) =>
            {
                // a fresh run's first call is (0, 0, 0); a resumed one's is the checkpoint's epoch
                if (s.ResumedFromEpoch < 0)
                    s.ResumedFromEpoch = epoch;
                dynamics?.OnStep(epoch, step, time);
            }, s.Checkpoint, dynamics is null ? _ => false : dynamics.Watches, s.Cancel);
            if (dynamics is not null)
                CsvOutput.Write(s.PathOf("dynamics.csv"), dynamics.Rows);
            if (save)
                TrainExperiment.Save(s.Plan, s.Net, s.OutDir);
        });

    /// <summary>The alignment of every network's neurons: the per-network summary (alignment.csv), and with
    /// `everyNeuron` each neuron's contribution and cosines (neurons.csv, cosines.csv).</summary>
    public static StudyPhase<StudyState> Alignment(bool everyNeuron) => new("alignment",
        everyNeuron ? ["neurons.csv", "cosines.csv", "alignment.csv"] : ["alignment.csv"],
        s =>
        {
            s.Alignment = NeuronAlignment.Analyze(s.Net, s.Data.Centers, s.Config.Alignment);
            if (everyNeuron)
            {
                CsvOutput.Write(s.PathOf("neurons.csv"), s.Alignment.Neurons);
                CsvOutput.Write(s.PathOf("cosines.csv"), s.Alignment.Cosines);
            }
            CsvOutput.Write(s.PathOf("alignment.csv"), s.Alignment.Summary);
        })
    {
        Restore = s => s.Alignment = new(
            everyNeuron ? CsvOutput.Read<NeuronRow>(s.PathOf("neurons.csv")) : [],
            everyNeuron ? CsvOutput.Read<CosineRow>(s.PathOf("cosines.csv")) : [],
            CsvOutput.Read<AlignmentRow>(s.PathOf("alignment.csv"))),
    };

    /// <summary>The paper's l2 PGD over the radii (StudyAttack.Networks) on the networks of the smallest α
    /// (`smallestAlpha`, the figure's) or on every network of the batch (a sweep's): robust_accuracy.csv.</summary>
    public static StudyPhase<StudyState> Attack(bool smallestAlpha) => new("attack", ["robust_accuracy.csv"], s =>
    {
        var config = s.Config;
        IReadOnlyList<NetworkInfo> attacked = smallestAlpha ? SmallestAlpha(s) : s.Net.Networks;
        var which = smallestAlpha ? $"the networks of α = {config.Train.Alpha[0]}" : $"{attacked.Count} networks";
        s.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"attacking {which}: {config.Radii.Count} radii × {config.PgdPoints} points, {config.PgdSteps} PGD steps"));
        s.RobustAccuracy = StudyAttack.Networks(config, s.Net, attacked, s.Data.Test, Name, s.Cancel);
        CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.RobustAccuracy);
    })
    {
        // the networks' rows only: the exact radii's may follow them when a kill came before their phase was recorded
        Restore = s => s.RobustAccuracy = [.. CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv")).Where(r => r.Attack == AttackKind.Pgd.Name)],
    };

    /// <summary>The exact radii of F and F^(p) on the attacked points, the engine's own output timed apart from the
    /// paper's PGD: their rows added to robust_accuracy.csv.</summary>
    public static StudyPhase<StudyState> ExactRadii { get; } = new("exact_radii", ["robust_accuracy.csv"], s =>
    {
        s.RobustAccuracy.AddRange(StudyAttack.Ideals(s.Config, SmallestAlpha(s), s.Data.Test, s.Data.Mu, s.Config.Train.P));
        CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.RobustAccuracy);
    })
    {
        // without the band's rows, which follow when a kill came before their phase was recorded
        Restore = s => s.RobustAccuracy = [.. CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv")).Where(r => !StudyBounds.IsBandRow(r))],
    };

    /// <summary>The robust accuracy band's phases the config asks for, on the attacked networks (`smallestAlpha`: the
    /// figure's; else every network of the batch): AutoAttack's standard l2 ensemble (attack: standard), then the certified
    /// radii (certify). Their rows join robust_accuracy.csv.</summary>
    public static IReadOnlyList<StudyPhase<StudyState>> Bounds(StudyConfig config, bool smallestAlpha)
    {
        ArgumentNullException.ThrowIfNull(config);
        var phases = new List<StudyPhase<StudyState>>();
        if (config.Attack == AttackKind.Standard)
        {
            phases.Add(new("standard_attack", ["robust_accuracy.csv"], s =>
            {
                var attacked = Attacked(s, smallestAlpha);
                s.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"AutoAttack's standard l2 ensemble on the same {attacked.Count} networks × {s.Config.PgdPoints} points"));
                s.RobustAccuracy.AddRange(StudyBounds.Standard(s.Net, attacked, Points(s, attacked), AttackNorm.L2, s.Config.Radii, null, Name, s.Log, s.Cancel));
                CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.RobustAccuracy);
            })
            {
                // without the certified rows of the trained networks, which come after
                Restore = s => s.RobustAccuracy = [.. CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv"))
                    .Where(r => !(StudyBounds.IsBandRow(r) && r.Attack == AttackKind.Certified.Name))],
            });
        }
        if (config.Certify)
        {
            phases.Add(new("certify", ["certified.csv", "robust_accuracy.csv"], s =>
            {
                var attacked = Attacked(s, smallestAlpha);
                s.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"certified l2 radii of the same {attacked.Count} networks × {s.Config.PgdPoints} points"));
                var (rows, accuracy) = StudyBounds.Certify(s.Net, attacked, Points(s, attacked), new CertifyOptions(AttackNorm.L2), s.Config.Radii, Name, s.Cancel);
                s.Certified = rows;
                s.RobustAccuracy.AddRange(accuracy);
                CsvOutput.Write(s.PathOf("certified.csv"), rows);
                CsvOutput.Write(s.PathOf("robust_accuracy.csv"), s.RobustAccuracy);
            })
            {
                Restore = s =>
                {
                    s.RobustAccuracy = CsvOutput.Read<RobustAccuracyRow>(s.PathOf("robust_accuracy.csv"));
                    s.Certified = CsvOutput.Read<CertifiedRow>(s.PathOf("certified.csv"));
                },
            });
        }
        return phases;
    }

    /// <summary>Each attacked point's l2 radius: FAB-T's upper bound for the networks beside the exact radius of F and
    /// F^(p) (min_radius.csv, f_radius_distribution.png).</summary>
    public static StudyPhase<StudyState> MinRadius { get; } = new("min_radius", ["min_radius.csv", "f_radius_distribution.png"], s =>
    {
        var c = s.Config.Train;
        s.Log?.Invoke("minimal l2 radii: FAB-T on the same networks and points, beside the exact radii of F and F^(p)");
        s.Radii = StudyAttack.Radii(s.Config, s.Net, SmallestAlpha(s), s.Data.Test, s.Data.Mu, c.P, Name, s.Cancel);
        CsvOutput.Write(s.PathOf("min_radius.csv"), s.Radii);
        RadiusDistributionPlot.Write(s.Radii, c.Subclasses, s.PathOf("f_radius_distribution.png"));
    })
    {
        Restore = s => s.Radii = CsvOutput.Read<PointRadiusRow>(s.PathOf("min_radius.csv")),
    };

    /// <summary>The distance of every network to F and F^(p) (DistanceEstimate): distance.csv.</summary>
    public static StudyPhase<StudyState> Distance { get; } = new("distance", ["distance.csv"], s =>
    {
        var config = s.Config;
        var c = config.Train;
        s.Log?.Invoke($"distance to F and F^(p): {config.DistRepeats} × {config.DistStarts} starts × {config.DistSteps} steps per network");
        s.Distance = DistanceEstimate.Run(s.Net, s.Data.Mu, c.Subclasses, c.PositiveSubclasses, config.Distance, s.Cancel);
        CsvOutput.Write(s.PathOf("distance.csv"), s.Distance);
    })
    {
        Restore = s => s.Distance = CsvOutput.Read<DistanceRow>(s.PathOf("distance.csv")),
    };

    // keeps the snapshots beside the training checkpoint as they are taken, and takes back those an interrupted run kept:
    // whole snapshots only (a kill during an append may leave part of one), so the steps after them are taken again
    private static void KeepSnapshots(NeuronDynamics dynamics, string path)
    {
        var kept = CsvOutput.ReadComplete<DynamicsRow>(path);
        int whole = kept.GroupBy(r => r.Step).TakeWhile(g => g.Count() == dynamics.RowsPerSnapshot).Sum(g => g.Count());
        kept = kept[..whole];
        dynamics.Restore(kept);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (kept.Count > 0)
            CsvOutput.Write(path, kept);
        else
            File.Delete(path);
        dynamics.OnSnapshot = rows => CsvOutput.Extend(path, rows);
    }

    private static IReadOnlyList<NetworkInfo> Attacked(StudyState s, bool smallestAlpha) => smallestAlpha ? SmallestAlpha(s) : s.Net.Networks;

    // each attacked network's first pgd_points test rows, as the study's PGD attacks them
    private static List<Data.DataSet> Points(StudyState s, IReadOnlyList<NetworkInfo> attacked) =>
        [.. attacked.Select(x => s.Data.Test[x.DataSet].Head(s.Config.PgdPoints))];

    // the networks the figure attacks: those of the smallest α (the first of the increasing list)
    private static List<NetworkInfo> SmallestAlpha(StudyState s) => [.. s.Net.Networks.Where(x => x.Alpha == s.Config.Train.Alpha[0])];

    private static string Name(NetworkInfo x) => x.Index.ToString(CultureInfo.InvariantCulture);
}
