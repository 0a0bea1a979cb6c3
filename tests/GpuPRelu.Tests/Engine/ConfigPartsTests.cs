using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.Sweeps;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The parts the configs share (synthetic data, model, optimizer, attack sweep) each check their own rules
/// once, and stay out of the configs' JSON (a sweep network's id is the hash of its StudyConfig's JSON).</summary>
public sealed class ConfigPartsTests
{
    [Fact]
    public void EachPartNamesEveryRuleItBreaks()
    {
        Assert.Empty(new SyntheticDataConfig(20, 4, 2, [0, 0.1]).Validate());
        Assert.Equal(
            ["positive_subclasses must be < subclasses (5) so both classes exist, got 5",
             "input_dim must be ≥ subclasses (5) to hold 5 orthonormal centers, got 3",
             "alpha must be ≥ 0 and finite, got -0.5"],
            new SyntheticDataConfig(3, 5, 5, [0.1, -0.5]).Validate());
        Assert.Equal(["input_dim must be ≥ 1, got 0", "positive_subclasses must be ≥ 1, got 0", "alpha must list at least one value"],
            new SyntheticDataConfig(0, 4, 0, []).Validate());

        Assert.Empty(new ModelConfig([1, 1.5, 3], 1).Validate());
        Assert.Equal(["p must be ≥ 1 and finite, got 0.5", "p must not repeat a value (seeds or repeats give more networks of one p), got 0.5,2,2", "width must be ≥ 1, got 0"],
            new ModelConfig([0.5, 2, 2], 0).Validate());
        Assert.Equal(["p must list at least one value"], ModelConfig.DegreeErrors([]));

        Assert.Empty(new OptimizerConfig(1e-3, 1, 1, 1).Validate());
        Assert.Equal(["lr must be > 0 and finite, got 0", "epochs must be ≥ 1, got 0", "batch_size must be ≥ 1, got -1", "log_every must be ≥ 1, got 0"],
            new OptimizerConfig(0, 0, -1, 0).Validate());

        Assert.Empty(new AttackSweepConfig([0, 0.1, 1.5]).Validate());
        Assert.Equal(["radii must be a non-empty increasing list"], new AttackSweepConfig([0.2, 0.2]).Validate());
        Assert.Equal(["radii must be ≥ 0 and finite, got -1"], new AttackSweepConfig([-1, 0.5]).Validate());
        Assert.Equal(["radii must be a non-empty increasing list"], new AttackSweepConfig([]).Validate());
    }

    [Fact]
    public void PartsAreViewsLeftOutOfTheJson()
    {
        var json = SweepPlan.Json(new StudyConfig());
        foreach (var view in new[] { "synthetic_data", "\"model\"", "optimization", "attack_sweep" })
            Assert.DoesNotContain(view, json, StringComparison.Ordinal);
        // a part reads the config's own fields
        var train = new TrainConfig { InputDim = 30, Width = 7, Lr = 0.5 };
        Assert.Equal((30, 7, 0.5), (train.SyntheticData.InputDim!.Value, train.Model.Width, train.Optimization.Lr));
    }

    /// <summary>The fields that keep a run (save, checkpoint_minutes, trace, trace_every, min_radius) are in the JSON
    /// (the manifest) when set and absent when not, so a sweep network's id, the hash of its StudyConfig's JSON, is the
    /// one it had before they existed; each is checked by Validate().</summary>
    [Fact]
    public void RunFieldsAreLeftOutOfTheJsonWhenUnset()
    {
        string[] keys = ["\"save\"", "checkpoint_minutes", "\"trace\"", "trace_every", "min_radius"];
        var plain = SweepPlan.Json(new StudyConfig());
        Assert.All(keys, k => Assert.DoesNotContain(k, plain, StringComparison.Ordinal));
        var kept = SweepPlan.Json(new StudyConfig
        {
            MinRadius = true,
            Train = new TrainConfig { Save = true, CheckpointMinutes = 0, Trace = "t", TraceEvery = 7 },
        });
        Assert.All(keys, k => Assert.Contains(k, kept, StringComparison.Ordinal));

        Assert.Equal(["checkpoint_minutes must be ≥ 0, got -1 (0: every epoch; at most 1e9)", "trace must name a folder, got an empty name",
            "trace_every must be ≥ 1, got 0"], new TrainConfig { CheckpointMinutes = -1, Trace = " ", TraceEvery = 0 }.Validate());
        Assert.Contains("checkpoint_minutes must be ≥ 0, got NaN (0: every epoch; at most 1e9)", new RealConfig { CheckpointMinutes = double.NaN }.Validate());
    }
}
