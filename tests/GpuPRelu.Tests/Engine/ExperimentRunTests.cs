using System.Text.Json;
using GpuPRelu.Experiments;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The runner every experiment's Run goes through: manifest.json before, between and after the
/// phases, and the status a run ends with: ok, "failed: message" or "cancelled", the exception passed on unchanged.</summary>
[Collection(DeviceGroup.Name)]
public sealed class ExperimentRunTests(DeviceFixture devices) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gpuprelu-run-").FullName;

    [Fact]
    public void WritesEachPhaseAndTheResultsAndFinishesOk()
    {
        var device = devices.Get("cpu");
        string? during = null;
        int returned = ExperimentRun.Execute("train", new { epochs = 3 }, new RunContext(device, _dir) { Cancel = TestContext.Current.CancellationToken }, run =>
        {
            during = Read().GetProperty("status").GetString();
            File.WriteAllText(run.PathOf("a.csv"), "x\n");
            run.EndPhase("data");
            Assert.Equal(["data"], Phases(Read()));
            run.Results["answer"] = 42;
            run.EndPhase("write");
            return 7;
        });
        var m = Read();
        Assert.Equal(7, returned);
        Assert.Equal("running", during);
        Assert.Equal("ok", m.GetProperty("status").GetString());
        Assert.Equal("train", m.GetProperty("command").GetString());
        Assert.Equal(3, m.GetProperty("config").GetProperty("epochs").GetInt32());
        Assert.Equal(device.Description, m.GetProperty("device").GetString());
        Assert.Equal(42, m.GetProperty("results").GetProperty("answer").GetInt32());
        Assert.Equal(["data", "write", "wall"], Phases(m));
        Assert.True(File.Exists(Path.Combine(_dir, "a.csv")));
    }

    [Fact]
    public void MarksAFailureWithItsMessageAndRethrowsIt()
    {
        var boom = new InvalidDataException("x.csv: line 3 has 2 fields, expected 4");
        var thrown = Assert.Throws<InvalidDataException>(() => ExperimentRun.Execute<int>("attack", new { }, new RunContext(devices.Get("cpu"), _dir) { Cancel = TestContext.Current.CancellationToken }, run =>
        {
            run.EndPhase("data");
            throw boom;
        }));
        var m = Read();
        Assert.Same(boom, thrown);
        Assert.Equal("failed: x.csv: line 3 has 2 fields, expected 4", m.GetProperty("status").GetString());
        // the failing phase has no time of its own; the wall time covers it
        Assert.Equal(["data", "wall"], Phases(m));
    }

    [Fact]
    public void MarksACancellationOnItsTokenAsCancelled()
    {
        using var source = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ExperimentRun.Execute<int>("fig2", new { }, new RunContext(devices.Get("cpu"), _dir) { Cancel = source.Token }, run =>
        {
            Assert.Equal(source.Token, run.Cancel);
            run.EndPhase("data");
            source.Cancel();
            run.Cancel.ThrowIfCancellationRequested();
            return 0;
        }));
        Assert.Equal("cancelled", Read().GetProperty("status").GetString());
    }

    /// <summary>RealExperiment's batch, (repeat, p) through TrainPlan.Batch: network b = r·|p| + i has p_i, no α, seed
    /// seed + r and data set r, as the hand-built grid had it.</summary>
    [Theory]
    [InlineData(1, 11)]
    [InlineData(3, 0)]
    public void RealDataBatchIsRepeatMajorWithOneDataSetPerRepeat(int repeats, int seed)
    {
        double[] ps = [1, 2.5, 3];
        var infos = TrainPlan.Batch([.. Enumerable.Range(0, repeats).SelectMany(r => ps.Select(p => (p, double.NaN, seed + r)))]);
        var expected = new List<NetworkInfo>();
        for (int r = 0; r < repeats; r++)
        {
            foreach (var p in ps)
                expected.Add(new NetworkInfo(expected.Count, p, double.NaN, seed + r, r));
        }
        Assert.Equal(expected, infos);
    }

    private JsonElement Read()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "manifest.json")));
        return doc.RootElement.Clone();
    }

    private static List<string> Phases(JsonElement manifest) =>
        [.. manifest.GetProperty("phase_seconds").EnumerateObject().Select(p => p.Name)];

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
