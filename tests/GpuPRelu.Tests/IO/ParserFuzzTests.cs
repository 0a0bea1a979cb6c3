using System.Diagnostics;
using System.Globalization;
using System.Text;
using GpuPRelu.Configs;
using GpuPRelu.Data;
using GpuPRelu.Experiments;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.IO;

/// <summary>Every parser of the user's files (safetensors networks, .npy, IDX, CSV feature tables, YAML
/// configs) on a seeded corpus of 250 mutations of a valid file each (1000 with GPUPRELU_LONG_TESTS=1): it answers only with the tool's own input error
/// (InvalidDataException or FormatException, naming the file or source), within 1 s, allocating no more than a bound set
/// by the file's size. A failure names the case's seed, which reproduces it.</summary>
public sealed class ParserFuzzTests : IDisposable
{
    // the first 250 of the 1000-case corpus by default; the corpus is the same, so a long run only adds cases
    private static readonly int Cases = Seeds.LongRuns ? 1000 : 250;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuprelu-fuzz-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    public static TheoryData<string> Formats => ["safetensors", "npy", "idx", "csv", "yaml"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedInputsGetOnlyTheToolsInputError(string format)
    {
        var (valid, parse, text) = Corpus(format);
        // the valid file itself parses
        var path = PathOf($"valid.{format}");
        File.WriteAllBytes(path, valid);
        parse(path);

        var failures = new List<string>();
        var clock = new Stopwatch();
        int refused = 0;
        for (int i = 0; i < Cases; i++)
        {
            // one seed per case: the format's offset + i, so a failure names what reproduces it
            int seed = 1_000_003 * (Formats.Select(f => (string)f.Data).ToList().IndexOf(format) + 1) + i;
            var bytes = Mutator.Mutate(valid, new System.Random(seed), text);
            path = PathOf($"case.{format}");
            File.WriteAllBytes(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            try
            {
                parse(path);
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                var at = string.Join(" < ", (ex.StackTrace ?? "").Split('\n').Take(3).Select(l => l.Trim()));
                failures.Add($"seed {seed} ({bytes.Length} bytes): {ex.GetType().Name}: {ex.Message} at {at}");
            }
            clock.Stop();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // the readers hold the file, its values widened to float64 and their results: a small multiple of its size
            long bound = (16L << 20) + 64L * bytes.Length;
            if (allocated > bound)
                failures.Add($"seed {seed} ({bytes.Length} bytes): allocated {allocated} bytes, more than {bound}");
            if (clock.Elapsed > TimeSpan.FromSeconds(1))
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"seed {seed} ({bytes.Length} bytes): took {clock.Elapsed.TotalSeconds:0.00} s"));
        }
        Assert.True(failures.Count == 0, $"{format}: {failures.Count} of {Cases} cases failed:\n{string.Join("\n", failures.Take(20))}");
        // the corpus exercises the refusals, not only harmless edits
        Assert.True(refused > Cases / 4, $"{format}: only {refused} of {Cases} mutations were refused");
    }

    private (byte[] Valid, Action<string> Parse, bool Text) Corpus(string format) => format switch
    {
        "safetensors" => (SafeTensorsFile(), p => NetworkFile.Read(p), false),
        "npy" => (NpyFile(), p => NpyReader.Read(p), false),
        "idx" => (IdxFile(), p => IdxReader.ReadImages(p), false),
        "csv" => (Encoding.UTF8.GetBytes("f0,f1,f2,label\n0.1,-2,3e-3,0\n1.5,0.25,-0.75,1\n2,3,4,2\n-1,0,1,1\n"),
            p => FeatureTable.Read(p), true),
        "yaml" => (Encoding.UTF8.GetBytes("# a train config\ninput_dim: 20\nsubclasses: 4\npositive_subclasses: 2\nalpha: [0.05, 0.1]\n"
                + "p: 1,3\nwidth: 8\noptimizer: sgd\nlr: 0.2\nepochs: 3\nbias: false\nlog_every: 1\n"),
            p => ConfigFile.Apply(new TrainConfig(), File.ReadAllText(p), Path.GetFileName(p), StudyFields.TrainFileKeys), true),
        _ => throw new ArgumentException(format, nameof(format)),
    };

    private byte[] SafeTensorsFile()
    {
        var path = PathOf("seed.safetensors");
        NetworkFile.Write(path, new global::GpuPRelu.Kernels.BatchShape(2, 0, 3, 2, 1, 1, 0), [.. Enumerable.Range(0, 2 * 3 * 2 + 2 * 2 + 2).Select(i => 0.1f * i)],
            [.. Enumerable.Range(0, 6).Select(i => (float)i)], [1, 3], new Dictionary<string, string> { ["alpha"] = "0.1,0.2", ["seed"] = "0,1" });
        return File.ReadAllBytes(path);
    }

    private static byte[] NpyFile()
    {
        // version 1.0, '<f4' of shape (3, 2), header padded to 64 bytes with the trailing newline
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        header = header.PadRight(64 - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        foreach (float v in new[] { 0.5f, -1f, 2f, 3.25f, 0f, 1e-3f })
            bytes.AddRange(BitConverter.GetBytes(v));
        return [.. bytes];
    }

    private static byte[] IdxFile()
    {
        // images: magic 0x00000803, 2 images of 3 × 3 bytes
        byte[] bytes = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3, .. Enumerable.Range(0, 18).Select(i => (byte)(i * 13))];
        return bytes;
    }
}
