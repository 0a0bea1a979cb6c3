using GpuPRelu.Data;
using GpuPRelu.Kernels;
using GpuPRelu.Models;

namespace GpuPRelu.Experiments;

/// <summary>The grid of a training config as one batch: network b is (α, seed, p) in that nesting order, and the
/// networks of one (α, seed) share a data set, so p = 1 and p = 3 see the same samples and the same initial weights.</summary>
public sealed class TrainPlan
{
    /// <summary>Builds the grid and the batch shape of `config` (no data yet).</summary>
    public TrainPlan(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        var networks = new List<NetworkInfo>();
        for (int ai = 0; ai < config.Alpha.Count; ai++)
        {
            for (int si = 0; si < config.Seeds; si++)
            {
                foreach (var p in config.P)
                    networks.Add(new NetworkInfo(networks.Count, p, config.Alpha[ai], config.Seed + si, ai * config.Seeds + si));
            }
        }
        Networks = networks;
        Shape = new BatchShape(networks.Count, 0, config.InputDim, config.Width, config.Outputs,
            config.Bias ? 1 : 0, config.NormalizeInput ? 1 : 0);
    }

    public TrainConfig Config { get; }
    public IReadOnlyList<NetworkInfo> Networks { get; }
    public BatchShape Shape { get; }

    /// <summary>Number of distinct data sets (α × seed).</summary>
    public int DataSets => Config.Alpha.Count * Config.Seeds;

    /// <summary>The training and test sets of every (α, seed), generated on the host from the counter-based generator.</summary>
    public (DataSet[] Train, DataSet[] Test) GenerateData()
    {
        var c = Config;
        var train = new DataSet[DataSets];
        var test = new DataSet[DataSets];
        for (int k = 0; k < DataSets; k++)
        {
            var net = Networks.First(n => n.DataSet == k);
            var centers = SubclassData.Centers(c.InputDim, c.Subclasses, c.RandomCenters, net.Seed);
            train[k] = SubclassData.Generate(centers, c.InputDim, c.Subclasses, c.PositiveSubclasses, net.Alpha, c.NTrain, net.Seed, test: false);
            test[k] = SubclassData.Generate(centers, c.InputDim, c.Subclasses, c.PositiveSubclasses, net.Alpha, c.NTest, net.Seed, test: true);
        }
        return (train, test);
    }

    /// <summary>Input centers [B, D]: each network's mean training input with `center`, else zeros.</summary>
    public float[] Centers(DataSet[] train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var centers = new float[Shape.Networks * Shape.Inputs];
        if (!Config.Center)
            return centers;
        var means = train.Select(t => t.MeanRow()).ToArray();
        foreach (var n in Networks)
            means[n.DataSet].CopyTo(centers, n.Index * Shape.Inputs);
        return centers;
    }
}
