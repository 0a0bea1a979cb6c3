using GpuPRelu.Analysis;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Kernels;
using GpuPRelu.Models;
using GpuPRelu.Tests.Fixtures;
using GpuPRelu.Tests.Reference.Interop;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>A network written in the reference's PyTorch layout is imported, evaluated on the device and gives the
/// logits of a float64 implementation of the reference's forward pass.</summary>
[Collection(DeviceGroup.Name)]
public sealed class ImportedNetworkTests(DeviceFixture fixture) : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("import-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    static float[] Uniform(System.Random rng, int n, double scale) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(scale * (2 * rng.NextDouble() - 1)))];

    public static TheoryData<string, int, double, bool, bool> Cases()
    {
        var cases = new TheoryData<string, int, double, bool, bool>();
        foreach (var device in DeviceFixture.Devices)
        {
            cases.Add(device, 3, 1.0, true, true);      // multi-class, ReLU, bias, p given in the file
            cases.Add(device, 4, 2.7, true, false);     // real p, normalize_input on, p given on import
            cases.Add(device, 1, 3.0, false, true);     // binary output, no bias
            cases.Add(device, 10, 4.0, true, false);
        }
        return cases;
    }

    [Theory]
    [DeviceData(nameof(Cases))]
    public void ReferenceLayout_LogitsMatchReferenceForward(string kind, int C, double p, bool bias, bool pInFile)
    {
        var device = fixture.Get(kind);
        var rng = new System.Random(C * 100 + (int)(10 * p));
        const int N = 37, D = 9, H = 6;
        bool normalize = p is > 2 and < 3;
        var center = Uniform(rng, D, 0.5);
        var w = Uniform(rng, D * H, Math.Sqrt(6.0 / H));
        var weight = Uniform(rng, C * H, 1 / Math.Sqrt(H));
        var b = bias ? Uniform(rng, C, 1 / Math.Sqrt(H)) : null;
        // the reference's state_dict, unbatched, as safetensors' save_file writes it
        var tensors = new List<SafeTensor> { new("center", [1, D], center), new("prelulayer.W", [D, H], w), new("output_net.weight", [C, H], weight) };
        if (b is not null)
            tensors.Add(new("output_net.bias", [C], b));
        if (pInFile)
            tensors.Add(new("p", [1], [(float)p]));
        var path = Path.Combine(_dir.FullName, "net.safetensors");
        SafeTensors.Write(path, tensors);
        var x = Uniform(rng, N * D, 1.0);
        var y = Enumerable.Range(0, N).Select(_ => rng.Next(C == 1 ? 2 : C)).ToArray();

        var imported = ImportedNetworks.Read(path, pInFile ? null : [p], normalizeInput: normalize);
        using var batch = imported.ToBatch(device);
        var result = NetworkEvaluator.Evaluate(batch, new DataSet(x, y, N, D, C == 1 ? 2 : C), keepLogits: true, chunkRows: 16, cancel: TestContext.Current.CancellationToken);

        Assert.Equal((1, D, H, C, bias ? 1 : 0), (imported.Shape.Networks, imported.Shape.Inputs, imported.Shape.Hidden, imported.Shape.Outputs, imported.Shape.HasBias));
        var expected = ShallowPreluNetReference.Forward(x, center, w, weight, b, p, normalize, N, D, H, C);
        Close.Assert(expected, result.Logits!, atol: 1e-5, what: "logits"); // float32 sums of D = 9 and H = 6 terms
        int right = Enumerable.Range(0, N).Count(n => C == 1
            ? (expected[n] > 0) == (y[n] == 1)
            : Enumerable.Range(0, C).MaxBy(c => expected[n * C + c]) == y[n]);
        Assert.Equal((double)right / N, result.Accuracy[0], 12);
        double loss = Enumerable.Range(0, N).Average(n => C == 1
            ? Math.Exp(-(y[n] == 1 ? 1 : -1) * expected[n])
            : Math.Log(Enumerable.Range(0, C).Sum(c => Math.Exp(expected[n * C + c]))) - expected[n * C + y[n]]);
        Close.Assert(loss, result.Loss[0], atol: 1e-5, what: "mean loss");
    }

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void BatchedFile_EachNetworkMatchesItsReference(string kind)
    {
        var device = fixture.Get(kind);
        var rng = new System.Random(77);
        const int B = 3, N = 11, D = 5, H = 4, C = 2;
        double[] p = [1, 2, 3.5];
        var shape = new BatchShape(B, 0, D, H, C, 1, 1);
        var theta = Uniform(rng, shape.ParameterCount, 0.8);
        var centers = Uniform(rng, B * D, 0.3);
        var path = Path.Combine(_dir.FullName, "batch.safetensors");
        NetworkFile.Write(path, shape, theta, centers, p);
        var x = Uniform(rng, N * D, 1.0);
        var y = Enumerable.Range(0, N).Select(_ => rng.Next(C)).ToArray();

        using var batch = ImportedNetworks.Read(path).ToBatch(device);
        var result = NetworkEvaluator.Evaluate(batch, new DataSet(x, y, N, D, C), keepLogits: true, cancel: TestContext.Current.CancellationToken);

        for (int n = 0; n < B; n++)
        {
            var w = theta[(n * D * H)..((n + 1) * D * H)];
            var weight = new float[C * H];
            for (int j = 0; j < H; j++)
            {
                for (int c = 0; c < C; c++)
                    weight[c * H + j] = theta[shape.VOffset + (n * H + j) * C + c];
            }
            var expected = ShallowPreluNetReference.Forward(x, centers[(n * D)..((n + 1) * D)], w, weight,
                theta[(shape.BiasOffset + n * C)..(shape.BiasOffset + (n + 1) * C)], p[n], true, N, D, H, C);
            Close.Assert(expected, result.Logits.AsSpan(n * N * C, N * C), atol: 1e-5, what: $"logits of network {n}");
        }
    }

    [Theory]
    [DeviceData(nameof(DeviceFixture.Devices), MemberType = typeof(DeviceFixture))]
    public void RefusesDataThatDoesNotFit(string kind)
    {
        var device = fixture.Get(kind);
        var path = Path.Combine(_dir.FullName, "small.safetensors");
        SafeTensors.Write(path, [new("prelulayer.W", [4, 3], new float[12]), new("output_net.weight", [2, 3], new float[6])]);
        using var batch = ImportedNetworks.Read(path, [2]).ToBatch(device);

        var inputs = Assert.Throws<ArgumentException>(() => NetworkEvaluator.Evaluate(batch, new DataSet(new float[10], [0, 1], 2, 5, 2), cancel: TestContext.Current.CancellationToken));
        var labels = Assert.Throws<ArgumentException>(() => NetworkEvaluator.Evaluate(batch, new DataSet(new float[8], [0, 2], 2, 4, 3), cancel: TestContext.Current.CancellationToken));
        var noP = Assert.Throws<InvalidDataException>(() => ImportedNetworks.Read(path));
        var pCount = Assert.Throws<InvalidDataException>(() => ImportedNetworks.Read(path, [1, 2]));

        Assert.Contains("5 features per sample; the networks expect 4 inputs", inputs.Message, StringComparison.Ordinal);
        Assert.Contains("labels up to 2; networks with 2 output(s) take labels 0..1", labels.Message, StringComparison.Ordinal);
        Assert.Contains("small.safetensors: has no tensor 'p'", noP.Message, StringComparison.Ordinal);
        Assert.Contains("holds 1 networks; give one p for all or 1 values, got 2", pCount.Message, StringComparison.Ordinal);
    }
}
