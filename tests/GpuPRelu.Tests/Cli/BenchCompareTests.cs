using System.Globalization;
using GpuPRelu.Bench;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Cli;

/// <summary>`gpuprelu bench --compare`: the engine's side on the references' smoke configuration (seconds), the work
/// counted per phase, and bad settings refused before any work.</summary>
[Collection(CliGroup.Name)]
public sealed class BenchCompareTests
{
    [Fact]
    public void SmokeComparisonWritesThePhasesWithTheirWork()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"gpuprelu-compare-{Environment.ProcessId}");
        var (code, stdout, err) = Gpuprelu.Run("bench", "--compare", "--config", "smoke", "--reference-dir", "none", "--device", "cpu",
            "--out", dir, "--overwrite");
        Assert.True(code == 0, err + stdout);
        var rows = File.ReadAllLines(Path.Combine(dir, "compare.csv"));
        Assert.Equal("method,runs_on,phase,seconds,gflop,gflops,peak_fraction,slowdown_vs_gpuprelu", rows[0]);
        Assert.Equal(["train", "pgd", "distance", "total"], rows.Skip(1).Select(r => r.Split(',')[^6]));
        // 4·D·H = 1280 flops per row: train 4 networks × 3 epochs × 200 samples; pgd 2 networks (smallest α) × 3 radii ×
        // 50 points × 5 steps; distance 4 networks × 2 ideals × 2 repeats × 8 starts × 5 steps
        double[] gflop = [.. rows.Skip(1).Select(r => double.Parse(r.Split(',')[^4], CultureInfo.InvariantCulture))];
        Close.Assert([3.072e-3, 1.92e-3, 0.8192e-3, 5.8112e-3], gflop, atol: 0, rtol: 1e-12, what: "gflop per phase");
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("--config", "nope")]
    [InlineData("--reference-dir", "/nonexistent/reference")]
    public void BadSettingsAreRefusedBeforeTheOutputFolder(string flag, string value)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"gpuprelu-compare-bad-{Environment.ProcessId}-{flag.Length}");
        var (code, _, err) = Gpuprelu.Run("bench", "--compare", flag, value, "--device", "cpu", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains(value, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void WorkOfTheComparisonMatchesTheHandCount()
    {
        var work = CompareExperiment.Work(CompareExperiment.Comparison);
        // 4·200·400 = 320000 flops per row: 12 × 100 × 2000 rows; 4 × 7 × 2000 × 200; 12 × 2 × 2 × 200 × 200
        Close.Assert([768, 3584, 614.4], [work["train"], work["pgd"], work["distance"]], atol: 0, rtol: 1e-12, what: "gflop");
    }
}
