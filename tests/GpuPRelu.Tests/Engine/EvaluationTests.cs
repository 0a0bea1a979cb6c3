using GpuPRelu.Attacks;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>An evaluation (AutoAttack's sequence on the points still robust), its per-point rows and adversarial examples,
/// on linear classifiers of known exact margins.</summary>
[Collection(DeviceGroup.Name)]
public sealed class EvaluationTests(DeviceFixture devices)
{
    public static TheoryData<string, int, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var device in DeviceFixture.Devices)
            {
                data.Add((string)device.Data, 0, 7);
                data.Add((string)device.Data, 2, 31);
            }
            return data;
        }
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void PointsBreakBetweenTheirMarginAndTwiceItAndTheirExamplesProveIt(string device, int norm, int seed)
    {
        const int D = 6, C = 5, n = 12;
        var (a, x, y, margin) = LinearClassifier.Case(new System.Random(seed), norm, D, C, n);
        // two points misclassified clean: labels moved to another class
        y[0] = (y[0] + 1) % C;
        y[1] = (y[1] + 2) % C;
        using var net = LinearClassifier.Network(devices.Get(device), a, new double[C]);
        DataSet[] points = [new DataSet(x, y, n, D, C)];
        double mean = margin.Average();
        double[] radii = [.. new[] { 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4 }.Select(f => f * mean)];
        var options = new ApgdOptions((AttackNorm)norm, ApgdLoss.CrossEntropy, Iterations: 40, Seed: seed);
        (string, Func<bool[][][]?, AttackOutcome>)[] attacks =
        [
            ("apgd-ce", before => Apgd.RunOn(net, points, radii, options, before, examples: true)),
            ("apgd-t", before => Apgd.RunOn(net, points, radii, options with { Loss = ApgdLoss.TargetedDlr }, before, examples: true)),
        ];
        var steps = Evaluation.Run(attacks);
        var clean = Evaluation.CleanCorrect(net, points);
        Assert.Equal([false, false, .. Enumerable.Repeat(true, n - 2)], clean[0]);
        // the sequence only ever removes robust rows
        for (int r = 0; r < radii.Length; r++)
        {
            for (int i = 0; i < n; i++)
                Assert.False(steps[1].Outcome.Robust[0][r][i] && !steps[0].Outcome.Robust[0][r][i]);
        }
        var rows = PerPoint.Rows(["lin"], points, radii, clean, steps, (AttackNorm)norm);
        for (int i = 0; i < n; i++)
        {
            var row = rows[i];
            int first = Enumerable.Range(0, radii.Length).FirstOrDefault(r => !steps[1].Outcome.Robust[0][r][i], -1);
            Assert.Equal(first < 0 ? null : radii[first], row.BrokenAt);
            if (i < 2)
            {
                Assert.Equal(("clean", 0.0, radii[0]), (row.Attack, row.Perturbation!.Value, row.BrokenAt!.Value));
                continue;
            }
            // below the margin never broken, beyond twice it always; the perturbation is within broken_at
            Assert.True(row.BrokenAt is null || row.BrokenAt >= 0.97 * margin[i], $"point {i} broken at {row.BrokenAt} below its margin {margin[i]}");
            Assert.False(row.BrokenAt is null && radii[^1] > 2 * margin[i], $"point {i} robust beyond twice its margin {margin[i]}");
            if (row.BrokenAt is { } at)
            {
                Assert.True(row.Attack is "apgd-ce" or "apgd-t", row.Attack);
                Assert.InRange(row.Perturbation!.Value, 0.97 * margin[i], at * (1 + 1e-5) + 1e-6);
            }
        }

        // adversarial.safetensors: x_adv[b, r, i] is the clean point below broken_at and a misclassified point within r from it
        var path = Path.Combine(Path.GetTempPath(), $"gpuprelu-adv-{Guid.NewGuid():N}.safetensors");
        try
        {
            PerPoint.WriteAdversarial(path, points, radii, clean, steps, (AttackNorm)norm);
            var (tensors, meta) = SafeTensors.Read(path);
            Assert.Equal("apgd-ce,apgd-t", meta["attacks"]);
            Assert.Equal([1, radii.Length, n, D], tensors["x_adv"].Shape);
            var adv = tensors["x_adv"].Data;
            for (int i = 0; i < n; i++)
            {
                for (int r = 0; r < radii.Length; r++)
                {
                    var xr = adv.AsSpan((r * n + i) * D, D).ToArray();
                    var delta = xr.Select((v, d) => (double)v - x[i * D + d]).ToArray();
                    double size = norm == 2 ? Math.Sqrt(delta.Sum(v => v * v)) : delta.Max(Math.Abs);
                    if (rows[i].BrokenAt is { } at && radii[r] >= at && i >= 2)
                    {
                        var f = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, D).Sum(d => a[c, d] * xr[d])).ToArray();
                        Assert.NotEqual(y[i], Array.IndexOf(f, f.Max()));
                        Assert.True(size <= radii[r] * (1 + 1e-5) + 1e-6);
                    }
                    else
                        Assert.Equal(0.0, size);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
