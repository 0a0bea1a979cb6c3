using System.Globalization;
using GpuPRelu.Analysis;
using GpuPRelu.Attacks;
using Xunit;

namespace GpuPRelu.Tests.Engine;

public sealed class SyntheticReportTests
{
    /// <summary>Hand-computed means, ranges, shares and radii appear beside the claims, formatted invariantly whatever the
    /// current culture.</summary>
    [Fact]
    public void StatesTheMeasuredNumbersBesideTheClaims()
    {
        DistanceRow[] distance =
        [
            new(0, 1, 0.1, 0, "F", 1, 0.5, 0.2), new(1, 1, 0.1, 1, "F", 1, 0.5, 0.4),
            new(2, 3, 0.1, 0, "Fp", 3, 0.5, 0.05), new(3, 3, 0.1, 1, "Fp", 3, 0.5, 0.07),
            new(2, 3, 0.1, 0, "F", 1, 0.5, 9), // a p = 3 network against F: not its own ideal, left out of the table
            new(4, 1, 0.3, 0, "F", 1, 0.5, 0.1), new(5, 3, 0.3, 0, "Fp", 3, 0.5, 0.25),
        ];
        AlignmentRow[] alignment =
        [
            new(0, 1, 0.1, 0, 100, 10, 0.8, 0, 9, 1, 10, 0, 0.93, "mu_bar_pos:5 mu_bar_neg:5"),
            new(1, 1, 0.1, 1, 100, 6, 0.8, 0, 6, 0, 6, 0, 0.97, "mu_bar_pos:3 mu_bar_neg:3"),
            new(2, 3, 0.1, 0, 100, 8, 0.9, 8, 0, 0, 8, 6, 0.999, "mu_1:8"),
            new(3, 3, 0.1, 1, 100, 0, 0, 0, 0, 0, 0, 0, double.NaN, "diverged"),
        ];
        RobustAccuracyRow[] robust =
        [
            new("0", 1, 0.1, 0, "l2", "pgd", 0, 1, 10), new("0", 1, 0.1, 0, "l2", "pgd", 0.5, 0, 10),
            new("2", 3, 0.1, 0, "l2", "pgd", 0, 1, 10), new("2", 3, 0.1, 0, "l2", "pgd", 0.5, 0.96, 10),
            new("F", 1, 0.1, 0, "l2", "exact", 0.5, 0.5, 10),
        ];
        // a culture with a decimal comma (built by hand: the tests may run in globalization-invariant mode)
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = comma;
        string md;
        try
        {
            md = SyntheticReport.Render(new SyntheticReportInput("Fig. 2 quick", 6, distance, alignment, robust, TimeSpan.FromSeconds(83.25)));
            Assert.Same(comma, CultureInfo.CurrentCulture);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        Assert.Contains("Wall time: 83.3 s. K = 6: 1/√K = 0.408, √2/2 = 0.707.", md, StringComparison.Ordinal);
        Assert.Contains("| 0.1 | 0.3 [0.2, 0.4] | 0.06 [0.05, 0.07] |", md, StringComparison.Ordinal);
        Assert.Contains("| 0.3 | 0.1 [0.1, 0.1] | 0.25 [0.25, 0.25] |", md, StringComparison.Ordinal);
        Assert.Contains("at 1 of 2 values of α — the paper's claim does not hold at every α here.", md, StringComparison.Ordinal);
        Assert.Contains("| 1 | 2 | 8 | 0% | 93.8% | 6.3% | 0.93 | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("| 3 | 1 | 8 | 100% | 0% | 0% | 0.999 | 1 |", md, StringComparison.Ordinal);
        Assert.Contains("1 diverged network(s) left out.", md, StringComparison.Ordinal);
        Assert.Contains("| 0.5 | 0 [0, 0] | 0.96 [0.96, 0.96] |", md, StringComparison.Ordinal);
        Assert.Contains("Measured, p = 1: mean robust accuracy ≥ 0.95 up to radius 0; ≤ 0.05 from radius 0.5.", md, StringComparison.Ordinal);
        Assert.Contains("Measured, p = 3: mean robust accuracy ≥ 0.95 up to radius 0.5; ≤ 0.05 from radius none of the grid.", md, StringComparison.Ordinal);
    }

    [Fact]
    public void SaysWhatWasNotMeasured()
    {
        var md = SyntheticReport.Render(new SyntheticReportInput("empty", 10, [], [], []));
        Assert.Equal(3, md.Split("Not measured.").Length - 1);
    }
}
