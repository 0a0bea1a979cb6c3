using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using GpuPRelu.Devices;
using GpuPRelu.Models;
using GpuPRelu.Training;

namespace GpuPRelu.Experiments;

/// <summary>A synthetic study batch on its way through StudyPhases: the config, the plan and its data, the networks on the
/// device (initialized; trained once the train phase ran), where the outputs go, and the rows each phase leaves for the
/// phases, plots and report after it.</summary>
public sealed class StudyState : IDisposable
{
    /// <summary>Generates the data of `plan` (a batch of `config`) and puts its initialized networks on `device`;
    /// `outDir` (it exists) receives the phases' files.</summary>
    public StudyState(StudyConfig config, TrainPlan plan, ComputeDevice device, string outDir)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(device);
        Config = config;
        Plan = plan;
        OutDir = outDir;
        Data = StudyData.Prepare(plan);
        var theta = NetworkBatch.Initialize(plan.Shape, plan.Networks, config.Train.Init, config.Train.InitScale);
        Net = new NetworkBatch(device, plan.Shape, plan.Networks, theta, plan.Centers(Data.Train));
    }

    public StudyConfig Config { get; }
    public TrainPlan Plan { get; }
    public StudyData Data { get; }
    public NetworkBatch Net { get; }

    /// <summary>The folder the phases write into.</summary>
    public string OutDir { get; }

    /// <summary>Progress lines and the training's fraction done (either may be null).</summary>
    public Action<string>? Log { get; init; }
    public Action<double>? Progress { get; init; }
    public CancellationToken Cancel { get; init; }

    /// <summary>The training's checkpoints (null: none).</summary>
    public CheckpointOptions? Checkpoint { get; init; }

    /// <summary>The snapshots of the neuron directions during training (null: none).</summary>
    public NeuronDynamics? Dynamics { get; set; }

    /// <summary>The epoch a training resumed from (-1: it started afresh).</summary>
    public int ResumedFromEpoch { get; set; } = -1;

    public IReadOnlyList<SummaryRow> Summary { get; set; } = [];
    public AlignmentResult Alignment { get; set; } = new([], [], []);
    public List<RobustAccuracyRow> RobustAccuracy { get; set; } = [];
    public IReadOnlyList<PointRadiusRow> Radii { get; set; } = [];
    public IReadOnlyList<Certification.CertifiedRow> Certified { get; set; } = [];
    public IReadOnlyList<DistanceRow> Distance { get; set; } = [];

    /// <summary>The path of output `file` in OutDir.</summary>
    public string PathOf(string file) => Path.Combine(OutDir, file);

    public void Dispose() => Net.Dispose();
}
