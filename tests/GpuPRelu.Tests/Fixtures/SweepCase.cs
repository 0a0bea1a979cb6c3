using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>A small sweep for the sweep tests (6 batches of 4 networks, a fraction of a second each on the CPU path) and
/// the byte-for-byte comparison of two sweep folders' outputs; its child processes start through ChildRun.</summary>
internal static class SweepCase
{
    /// <summary>D 20, 30 × width 8, 16, 24 × p 1, 3 × 2 seeds, short training, PGD and distance.</summary>
    public const string Yaml = """
        input_dim: [20, 30]
        width: [8, 16, 24]
        subclasses: 4
        positive_subclasses: 2
        alpha: 0.1
        p: [1, 3]
        seeds: 2
        init_scale: 1.0e-3
        epochs: 8
        batch_size: 50
        n_train: 200
        n_test: 200
        log_every: 4
        radii: "0:1.5:7"
        pgd_steps: 30
        pgd_points: 60
        dist_steps: 30
        dist_starts: 30
        dist_repeats: 1
        dist_scale_samples: 500
        """;

    /// <summary>The outputs that must match byte for byte between runs of one plan.</summary>
    public static IReadOnlyList<string> Outputs { get; } =
        ["summary.csv", "training.csv", "alignment.csv", "robust_accuracy.csv", "distance.csv", "report.md", "plan.json"];

    /// <summary>Writes the YAML into `dir` and returns the path.</summary>
    public static string WriteConfig(string dir, string yaml = Yaml)
    {
        var path = Path.Combine(dir, $"sweep-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Asserts that every output of `expected` exists in `actual` with the same bytes.</summary>
    public static void AssertSameOutputs(string expected, string actual)
    {
        Assert.True(File.Exists(Path.Combine(expected, "summary.csv")), $"no summary.csv in {expected}");
        foreach (var file in Outputs)
        {
            // a phase not run writes no file, in either folder
            Assert.Equal(File.Exists(Path.Combine(expected, file)), File.Exists(Path.Combine(actual, file)));
            if (!File.Exists(Path.Combine(expected, file)))
                continue;
            var a = File.ReadAllBytes(Path.Combine(expected, file));
            var b = File.ReadAllBytes(Path.Combine(actual, file));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between {expected} and {actual}");
        }
    }
}
