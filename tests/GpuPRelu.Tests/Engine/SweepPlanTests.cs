using GpuPRelu.Sweeps;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The sweep plan as a pure function: the cross product with zip groups, seeds as an axis, stable ids and hash,
/// batches of equal shape-setting keys split evenly by the memory, shards that partition the batches, Slurm array ids.</summary>
public sealed class SweepPlanTests
{
    private const string Base = "subclasses: 4\npositive_subclasses: 2\nn_train: 100\nn_test: 100\npgd_points: 50\nepochs: 2\n";

    private static SweepPlan Plan(string yaml, SweepOptions? options = null) =>
        SweepPlan.Build(SweepFile.Read(Base + yaml, "test"), options ?? new SweepOptions());

    [Fact]
    public void ExpandsTheCrossProductWithZipGroupsAndSeeds()
    {
        var plan = Plan("input_dim: 20\nwidth: [8, 16]\nzip:\n  lr: [0.1, 0.2]\n  batch_size: [10, 20]\np: \"1:3:3\"\nseeds: 2\nseed: 5\n");
        var nets = plan.Networks.ToList();
        Assert.Equal(2 * 2 * 3 * 2, nets.Count);
        // zip: lr and batch_size move together, never crossed
        Assert.All(nets, n => Assert.Equal(n.Config.Train.Lr == 0.1 ? 10 : 20, n.Config.Train.BatchSize));
        Assert.Equal([5, 6], nets.Select(n => n.Seed).Distinct().Order());
        Assert.Equal([1.0, 2.0, 3.0], nets.Select(n => n.P).Distinct().Order());
        // one batch per (width, zip step): p and seed vary inside it
        Assert.Equal(4, plan.Batches.Count);
        Assert.All(plan.Batches, b => Assert.Equal(6, b.Networks.Count));
        Assert.All(plan.Batches, b => Assert.Single(b.Networks.Select(n => (n.Config.Train.Width, n.Config.Train.Lr)).Distinct()));
    }

    [Fact]
    public void IdsAndHashAreAFunctionOfTheConfigurationOnly()
    {
        var a = Plan("input_dim: 20\nwidth: [8, 16]\np: [1, 3]\nseeds: 2\n");
        var b = Plan("input_dim: 20\np: [1, 3]\nseeds: 2\nwidth: [8, 16]\n");
        // the same networks in another axis order: same ids, another batch order and so another plan
        Assert.Equal(a.Networks.Select(n => n.Id).Order(), b.Networks.Select(n => n.Id).Order());
        Assert.Equal(a.Hash, Plan("input_dim: 20\nwidth: [8, 16]\np: [1, 3]\nseeds: 2\n").Hash);
        Assert.NotEqual(a.Hash, Plan("input_dim: 20\nwidth: [8, 16]\np: [1, 3]\nseeds: 2\n", new SweepOptions { Phases = SweepPhases.Train }).Hash);
        // any key changes every id, even one only the distance phase reads
        var c = Plan("input_dim: 20\nwidth: [8, 16]\np: [1, 3]\nseeds: 2\ndist_steps: 7\n");
        Assert.Empty(a.Networks.Select(n => n.Id).Intersect(c.Networks.Select(n => n.Id)));
        Assert.All(a.Networks, n => Assert.Matches("^[0-9a-f]{12}$", n.Id));
    }

    [Fact]
    public void SplitsAGroupThatDoesNotFitIntoEvenBatches()
    {
        const string yaml = "width: 400\ninput_dim: 200\np: [1, 2, 3]\nseeds: 5\n";
        var whole = Plan(yaml);
        Assert.Single(whole.Batches);
        long one = whole.Batches[0].Bytes;
        var options = new SweepOptions { BatchMemoryMib = one / 3 / 1048576 + 1 };
        var split = Plan(yaml, options);
        Assert.InRange(split.Batches.Count, 3, 15);
        Assert.All(split.Batches, b => Assert.True(b.Bytes <= options.BatchMemoryMib * 1048576, $"{b.Name}: {b.Bytes} bytes"));
        var sizes = split.Batches.Select(b => b.Networks.Count).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        Assert.Equal(whole.Networks.Select(n => n.Id), split.Networks.Select(n => n.Id));
        var error = Assert.Throws<FormatException>(() => Plan(yaml, new SweepOptions { BatchMemoryMib = 1 }));
        Assert.Contains("alone needs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void ShardsPartitionTheBatchesAndBalanceTheirFlops(int count)
    {
        var plan = Plan("width: [8, 16, 32, 64, 128]\ninput_dim: [20, 40]\np: [1, 3]\nseeds: 1\n");
        var shares = Enumerable.Range(0, count).Select(i => new ShardSpec(i, count).Batches(plan).Select(b => b.Index).ToList()).ToList();
        Assert.Equal(Enumerable.Range(0, plan.Batches.Count), shares.SelectMany(s => s).Order());
        var loads = shares.Select(s => s.Sum(i => plan.Batches[i].Flops)).ToList();
        Assert.True(loads.Max() - loads.Min() <= plan.Batches.Max(b => b.Flops), string.Join(",", loads));
        // largest first within a shard
        Assert.All(shares, s => Assert.Equal(s.Select(i => -plan.Batches[i].Flops).Order(), s.Select(i => -plan.Batches[i].Flops)));
    }

    [Theory]
    [InlineData("1", "1", "4", null, 0, 4)]
    [InlineData("4", "1", "4", null, 3, 4)]
    [InlineData("7", "7", "2", null, 0, 2)]
    [InlineData("9", "5", "3", "2", 2, 3)]
    [InlineData("0", null, "2", null, 0, 2)]
    public void SlurmArrayIdsMapToShardsFromAnyOffset(string id, string? min, string count, string? step, int index, int n)
    {
        var env = new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = id, ["SLURM_ARRAY_TASK_MIN"] = min, ["SLURM_ARRAY_TASK_COUNT"] = count, ["SLURM_ARRAY_TASK_STEP"] = step,
        };
        Assert.Equal(new ShardSpec(index, n), ShardSpec.FromEnvironment(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void SlurmIdsOutsideTheArrayAreRefused()
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "5", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        var error = Assert.Throws<FormatException>(() => ShardSpec.FromEnvironment(k => env.GetValueOrDefault(k)));
        Assert.Contains("i must be in 0..N−1 (3), got 4", error.Message, StringComparison.Ordinal);
        Assert.Null(ShardSpec.FromEnvironment(_ => null));
    }
}
