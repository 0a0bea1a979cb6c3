using System.Globalization;
using System.Text;
using Xunit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>The one tolerance check: |actual − expected| ≤ atol + rtol·|expected| elementwise; NaN or ±∞ fails.</summary>
internal static class Close
{
    public const double DefaultAtol = 1e-6;
    public const double DefaultRtol = 1e-4;

    public static void Assert(double expected, double actual, double atol = DefaultAtol, double rtol = DefaultRtol, string what = "value") =>
        Assert([expected], [actual], atol, rtol, what);

    public static void Assert(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double atol = DefaultAtol,
        double rtol = DefaultRtol, string what = "values")
    {
        var wide = new double[actual.Length];
        for (int i = 0; i < actual.Length; i++)
            wide[i] = actual[i];
        Assert(expected, wide, atol, rtol, what);
    }

    public static void Assert(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double atol = DefaultAtol,
        double rtol = DefaultRtol, string what = "values")
    {
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        var report = new StringBuilder();
        int bad = 0;
        double maxError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], error = Math.Abs(a - e);
            bool finite = double.IsFinite(e) && double.IsFinite(a);
            if (finite)
                maxError = Math.Max(maxError, error);
            if (finite && error <= atol + rtol * Math.Abs(e))
                continue;
            if (bad++ < 5)
                report.AppendLine(CultureInfo.InvariantCulture, $"  [{i}] expected {e:R} actual {a:R}");
        }
        if (bad > 0)
        {
            Xunit.Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {bad} of {expected.Length} outside atol {atol:G3} + rtol {rtol:G3}; max error {maxError:G4}\n{report}"));
        }
    }
}
