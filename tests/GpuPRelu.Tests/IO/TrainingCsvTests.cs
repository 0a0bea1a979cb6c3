using GpuPRelu.Configs;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.IO;

/// <summary>Issue 14 item 10: training.csv grows by whole rows in place (appended, never rewritten), so a reader sees a
/// valid file at every log point and a handle opened early sees every later row.</summary>
[Collection(DeviceGroup.Name)]
public sealed class TrainingCsvTests(DeviceFixture devices) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-csv-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void AppendedRowsEqualOneWriteOfAllRows()
    {
        var rows = Enumerable.Range(0, 7).Select(i => new TrainingRow(i, 1 + i % 3, 0.05 * i, i, i, 10L * i, 0.2 * i, Math.Exp(-i), 0.5, double.NaN, 1.0 / 3, i == 6)).ToList();
        var whole = Path.Combine(_dir.FullName, "whole.csv");
        var parts = Path.Combine(_dir.FullName, "parts.csv");
        CsvOutput.Write(whole, rows);
        CsvOutput.Write(parts, rows.Take(2));
        CsvOutput.Append(parts, rows.Skip(2).Take(1));
        CsvOutput.Append(parts, rows.Skip(3));
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(parts));
    }

    [Fact]
    public void TrainingCsvGrowsByWholeRowsInPlace()
    {
        var config = new TrainConfig
        {
            InputDim = 12, Subclasses = 4, PositiveSubclasses = 2, Alpha = [0.1], P = [1, 3], Seeds = 1, Width = 4, Epochs = 6,
            NTrain = 20, NTest = 10, BatchSize = 10,
        };
        var csv = Path.Combine(_dir.FullName, "training.csv");
        FileStream? early = null;
        int points = 0;
        try
        {
            TrainExperiment.Run(config, new RunContext(devices.Get("cpu"), _dir.FullName) { Log = _ =>
            {
                // at every log point the file ends at a row boundary and holds the header and 2 rows per point so far
                points++;
                early ??= new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var now = new StreamReader(new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                var text = now.ReadToEnd();
                Assert.EndsWith("\n", text, StringComparison.Ordinal);
                Assert.Equal(1 + 2 * points, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }, Cancel = TestContext.Current.CancellationToken });
            Assert.Equal(7, points);
            // the handle opened at the first log point reads every row: the file was appended to, never replaced
            using var reader = new StreamReader(early!);
            Assert.Equal(File.ReadAllText(csv), reader.ReadToEnd());
            Assert.Equal(1 + 2 * 7, File.ReadAllLines(csv).Length);
        }
        finally
        {
            early?.Dispose();
        }
    }
}
