using System.Security.Cryptography;
using GpuPRelu.Data;
using GpuPRelu.IO;
using Xunit;

namespace GpuPRelu.Tests.IO;

public sealed class IdxReaderTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("idx-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Theory]
    [InlineData(false, 11)]
    [InlineData(true, 12)]
    public void RoundTrip_RawAndGzip(bool gzip, int seed)
    {
        var rng = new System.Random(seed);
        int[] dims = [rng.Next(1, 9), rng.Next(1, 6), rng.Next(1, 6)];
        var payload = new byte[dims[0] * dims[1] * dims[2]];
        rng.NextBytes(payload);
        var path = PathOf(gzip ? "images.gz" : "images");
        IdxFiles.Write(path, IdxFiles.Bytes(IdxReader.ImagesMagic, dims, payload), gzip);

        var read = IdxReader.ReadImages(path);

        Assert.Equal(dims, read.Dims);
        Assert.Equal(payload, read.Data);
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 60000)]
    [InlineData("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10000)]
    public void ShippedFiles_MatchTheirProvenanceHashes(string stem, string sha256, int count)
    {
        var path = Path.Combine(MnistData.Locate(), stem + ".gz");
        var read = stem.Contains("images", StringComparison.Ordinal) ? IdxReader.ReadImages(path) : IdxReader.ReadLabels(path);

        Assert.Equal(count, read.Count);
        // the whole raw file, header included, against data/mnist/PROVENANCE.md
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(IdxFiles.Gunzip(path))));
        if (read.Dims.Length == 3)
            Assert.Equal([count, 28, 28], read.Dims);
    }

    [Fact]
    public void RefusesLabelFileGivenAsImages()
    {
        var path = PathOf("labels");
        IdxFiles.Write(path, IdxFiles.Bytes(IdxReader.LabelsMagic, [3], [1, 2, 3]), gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000801 is not 0x00000803", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unsigned byte with 1 dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesFileThatIsNoIdx()
    {
        var path = PathOf("notes.txt");
        File.WriteAllText(path, "hello, world");

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("not zero, so it is no IDX file", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RefusesTruncatedData(bool gzip)
    {
        var bytes = IdxFiles.Bytes(IdxReader.ImagesMagic, [4, 3, 3], new byte[36]);
        var path = PathOf("short");
        IdxFiles.Write(path, bytes[..^5], gzip);

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("truncated: dimensions [4, 3, 3] need 52 bytes, the file has 47", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesTruncatedHeaderAndTrailingBytes()
    {
        var header = PathOf("header");
        IdxFiles.Write(header, IdxFiles.Bytes(IdxReader.ImagesMagic, [4, 3, 3], [])[..10], gzip: false);
        var trailing = PathOf("trailing");
        IdxFiles.Write(trailing, IdxFiles.Bytes(IdxReader.LabelsMagic, [2], [7, 8, 9]), gzip: false);

        Assert.Contains("shorter than the 16-byte header", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(header)).Message,
            StringComparison.Ordinal);
        Assert.Contains("1 bytes after the data", Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(trailing)).Message,
            StringComparison.Ordinal);
    }

    /// <summary>A gzip bomb: a header of 10 images of 28 × 28, then 16 MiB of zeros (16 KiB compressed). Reading stops a
    /// MiB past the declared data and names the file; the stream is never inflated whole.</summary>
    [Fact]
    public void StopsAGzipBombAtTheDeclaredSize()
    {
        var path = PathOf("bomb.gz");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(IdxFiles.Bytes(IdxReader.ImagesMagic, [10, 28, 28], new byte[10 * 28 * 28]));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 16; i++)
                gzip.Write(zeros);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains($"{path}: more than 1048576 bytes after the data of dimensions [10, 28, 28]", ex.Message, StringComparison.Ordinal);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes reading a 16 MiB stream");
    }

    [Fact]
    public void RefusesZeroDimension()
    {
        var path = PathOf("empty");
        IdxFiles.Write(path, IdxFiles.Bytes(IdxReader.ImagesMagic, [5, 0, 28], []), gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("dimension 1 is 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesCorruptGzip()
    {
        var path = PathOf("corrupt.gz");
        var payload = new byte[4000];
        new System.Random(5).NextBytes(payload);
        IdxFiles.Write(path, IdxFiles.Bytes(IdxReader.LabelsMagic, [4000], payload), gzip: true);
        var bytes = File.ReadAllBytes(path);
        for (int i = 20; i < 60; i++)
            bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesMissingFile()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(PathOf("absent")));

        Assert.Contains("absent", ex.Message, StringComparison.Ordinal);
    }
}
