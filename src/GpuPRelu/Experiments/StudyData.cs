using GpuPRelu.Analysis;
using GpuPRelu.Data;

namespace GpuPRelu.Experiments;

/// <summary>A study batch's data: the training and test set of each (α, seed), and each network's subclass centers μ
/// ([K, D] row-major) with the directions the alignment measures against.</summary>
public sealed record StudyData(DataSet[] Train, DataSet[] Test, IReadOnlyList<double[]> Mu, IReadOnlyList<CenterDirections> Centers)
{
    /// <summary>Generates the data of `plan` (a pure function of each network's configuration and seed).</summary>
    public static StudyData Prepare(TrainPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var c = plan.Config;
        var (train, test) = plan.GenerateData();
        var mu = plan.Networks.Select(n => SubclassData.Centers(c.InputDim, c.Subclasses, c.RandomCenters, n.Seed)).ToList();
        var centers = mu.Select(m => new CenterDirections(m, c.InputDim, c.Subclasses, c.PositiveSubclasses)).ToList();
        return new StudyData(train, test, mu, centers);
    }
}
