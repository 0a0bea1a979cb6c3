using GpuPRelu.Configs;
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
        : this(config, Grid(config))
    {
    }

    /// <summary>A batch of the given networks (p, α, seed), in that order, on the shape-setting fields of `config` (its
    /// alpha, p, seeds and seed are not read): a sweep's batch. Networks of equal (α, seed) share a data set, numbered in
    /// order of first appearance.</summary>
    public TrainPlan(TrainConfig config, IReadOnlyList<(double P, double Alpha, int Seed)> grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Networks = Batch(grid);
        DataSets = Networks.Select(n => n.DataSet).Distinct().Count();
        Shape = new BatchShape(Networks.Count, 0, config.InputDim, config.Width, config.Outputs,
            config.Bias ? 1 : 0, config.NormalizeInput ? 1 : 0);
    }

    /// <summary>The networks of a grid of (p, α, seed), in its order (network b is grid[b]); networks of equal (α, seed)
    /// share a data set, numbered in order of first appearance (α = NaN, real data, counts as one α). A real-data
    /// run's batch is this grid over (repeat, p).</summary>
    public static IReadOnlyList<NetworkInfo> Batch(IReadOnlyList<(double P, double Alpha, int Seed)> grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var sets = new Dictionary<(double, int), int>();
        var networks = new List<NetworkInfo>();
        foreach (var (p, alpha, seed) in grid)
        {
            if (!sets.TryGetValue((alpha, seed), out int set))
                sets[(alpha, seed)] = set = sets.Count;
            networks.Add(new NetworkInfo(networks.Count, p, alpha, seed, set));
        }
        return networks;
    }

    // the config's grid in the nesting α, seed, p: networks of one (α, seed) are adjacent and share a data set
    private static List<(double P, double Alpha, int Seed)> Grid(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var grid = new List<(double, double, int)>();
        foreach (var alpha in config.Alpha)
        {
            for (int si = 0; si < config.Seeds; si++)
            {
                foreach (var p in config.P)
                    grid.Add((p, alpha, config.Seed + si));
            }
        }
        return grid;
    }

    public TrainConfig Config { get; }
    public IReadOnlyList<NetworkInfo> Networks { get; }
    public BatchShape Shape { get; }

    /// <summary>Number of distinct data sets (one per (α, seed)).</summary>
    public int DataSets { get; }

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
