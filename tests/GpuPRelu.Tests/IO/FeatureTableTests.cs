using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GpuPRelu.Data;
using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.IO;

public sealed class FeatureTableTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("features-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>A .npy file built byte by byte (format 1.0): magic, version, header length, dict padded to 64, data.</summary>
    string WriteNpy(string name, string descr, int[] shape, byte[] data, bool fortran = false, int version = 1)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int lengthBytes = version == 1 ? 2 : 4;
        int total = (10 + lengthBytes - 2 + dict.Length + 1 + 63) / 64 * 64;
        var header = Encoding.ASCII.GetBytes(dict.PadRight(total - 8 - lengthBytes - 1) + "\n");
        using var m = new MemoryStream();
        m.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        var len = new byte[lengthBytes];
        if (version == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
        m.Write(len);
        m.Write(header);
        m.Write(data);
        File.WriteAllBytes(PathOf(name), m.ToArray());
        return PathOf(name);
    }

    static byte[] Float32(IEnumerable<double> values) => [.. values.SelectMany(v => BitConverter.GetBytes((float)v))];

    static byte[] Float64(IEnumerable<double> values) => [.. values.SelectMany(v => BitConverter.GetBytes(v))];

    static double[] RandomFeatures(int seed, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => Math.Round(new System.Random(seed++).NextDouble() * 20 - 10, 3))];

    string WriteCsv(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    [Fact]
    public void Csv_WithHeaderAndLabelColumn()
    {
        var x = RandomFeatures(7, 12);
        var csv = new StringBuilder("f0,label,f1,f2\n");
        int[] labels = [2, 0, 1, 2];
        for (int n = 0; n < 4; n++)
            csv.Append(CultureInfo.InvariantCulture, $"{x[3 * n]},{labels[n]},{x[3 * n + 1]},{x[3 * n + 2]}\n");

        var data = FeatureTable.Read(WriteCsv("f.csv", csv.ToString()));

        Assert.Equal((4, 3, 3), (data.Samples, data.Inputs, data.Classes));
        Assert.Equal(labels, data.Y);
        Close.Assert(x, data.X, atol: 0, rtol: 1e-7, what: "features");
    }

    [Fact]
    public void CsvWithoutHeader_AndNpyLabelsOfInt64()
    {
        var x = RandomFeatures(8, 6);
        var path = WriteCsv("f.csv", $"{x[0]},{x[1]}\r\n{x[2]},{x[3]}\r\n\"{x[4]}\",{x[5]}\r\n".Replace("E", "e", StringComparison.Ordinal));
        long[] y = [1, 4, 0];
        var labels = WriteNpy("y.npy", "<i8", [3], [.. y.SelectMany(BitConverter.GetBytes)]);

        var data = FeatureTable.Read(path, labels, classes: 5);

        Assert.Equal(5, data.Classes);
        Assert.Equal([1, 4, 0], data.Y);
        Close.Assert(x, data.X, atol: 0, rtol: 1e-7, what: "features");
    }

    [Theory]
    [InlineData("<f4", 1)]
    [InlineData("<f8", 2)]
    [InlineData("<f8", 3)]
    public void Npy_Features(string descr, int version)
    {
        var x = RandomFeatures(9, 15);
        var features = WriteNpy("x.npy", descr, [5, 3], descr == "<f4" ? Float32(x) : Float64(x), version: version);
        var labels = WriteCsv("y.csv", "label\n0\n1\n1\n0\n1\n");

        var data = FeatureTable.Read(features, labels);

        Assert.Equal((5, 3, 2), (data.Samples, data.Inputs, data.Classes));
        Assert.Equal([0, 1, 1, 0, 1], data.Y);
        Close.Assert(x, data.X, atol: 0, rtol: 1e-7, what: "features");
    }

    [Fact]
    public void RefusesNaN_InCsvAndNpy()
    {
        var csv = WriteCsv("f.csv", "a,b,label\n1,2,0\n3,NaN,1\n");
        var npy = WriteNpy("x.npy", "<f4", [2, 2], Float32([1, 2, double.NaN, 4]));

        var e1 = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(csv));
        var e2 = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(npy, WriteCsv("y.csv", "0\n1\n")));

        Assert.Contains("f.csv: line 3, column 2 is NaN", e1.Message, StringComparison.Ordinal);
        Assert.Contains("x.npy: row 1, column 0 is NaN", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesRaggedRowsAndText()
    {
        var ragged = WriteCsv("r.csv", "1,2,3\n4,5\n");
        var text = WriteCsv("t.csv", "x,label\n1,0\nabc,1\n");

        Assert.Contains("line 2 has 2 fields, expected 3", Assert.Throws<InvalidDataException>(() => FeatureTable.Read(ragged, ragged)).Message,
            StringComparison.Ordinal);
        Assert.Contains("line 3, column 1: 'abc' is not a number", Assert.Throws<InvalidDataException>(() => FeatureTable.Read(text)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesLabelCountMismatchAndBadLabels()
    {
        var features = WriteNpy("x.npy", "<f8", [3, 2], Float64(RandomFeatures(1, 6)));

        var count = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(features, WriteCsv("y.csv", "0\n1\n")));
        var fraction = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(features, WriteCsv("z.csv", "0\n1.5\n1\n")));
        var classes = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(features, WriteCsv("w.csv", "0\n3\n1\n"), classes: 3));
        var none = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(features));

        Assert.Contains("x.npy has 3 feature rows but", count.Message, StringComparison.Ordinal);
        Assert.Contains("y.csv has 2 labels", count.Message, StringComparison.Ordinal);
        Assert.Contains("label 1.5 of row 1 is not a non-negative integer", fraction.Message, StringComparison.Ordinal);
        Assert.Contains("label 3 does not fit 3 classes", classes.Message, StringComparison.Ordinal);
        Assert.Contains("no labels", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesMalformedNpy()
    {
        var truncated = WriteNpy("short.npy", "<f4", [2, 3], Float32([1, 2, 3, 4, 5]));
        var fortran = WriteNpy("fortran.npy", "<f4", [2, 1], Float32([1, 2]), fortran: true);
        var bigEndian = WriteNpy("big.npy", ">f8", [1, 1], new byte[8]);
        var complex = WriteNpy("complex.npy", "<c8", [1, 1], new byte[8]);
        var notNpy = WriteCsv("fake.npy", "1,2,3\n");

        Assert.Contains("truncated: shape (2, 3) of <f4 needs", Assert.Throws<InvalidDataException>(() => NpyReader.Read(truncated)).Message,
            StringComparison.Ordinal);
        Assert.Contains("fortran_order is True", Assert.Throws<InvalidDataException>(() => NpyReader.Read(fortran)).Message, StringComparison.Ordinal);
        Assert.Contains("big-endian", Assert.Throws<InvalidDataException>(() => NpyReader.Read(bigEndian)).Message, StringComparison.Ordinal);
        Assert.Contains("'<c8' is not supported", Assert.Throws<InvalidDataException>(() => NpyReader.Read(complex)).Message, StringComparison.Ordinal);
        Assert.Contains("not a .npy file", Assert.Throws<InvalidDataException>(() => NpyReader.Read(notNpy)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerNormalize_MatchesFloat64Reference()
    {
        const int n = 4, d = 7;
        var x = RandomFeatures(3, n * d);
        var features = WriteNpy("x.npy", "<f8", [n, d], Float64(x));
        var data = FeatureTable.LayerNormalize(FeatureTable.Read(features, WriteCsv("y.csv", "0\n1\n0\n1\n")));

        // torch.nn.LayerNorm(d) at init: (x − mean) / sqrt(biased var + 1e-5), per row
        var expected = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            var row = x.Skip(i * d).Take(d).ToArray();
            double mean = row.Average(), variance = row.Sum(v => (v - mean) * (v - mean)) / d;
            for (int k = 0; k < d; k++)
                expected[i * d + k] = (row[k] - mean) / Math.Sqrt(variance + 1e-5);
        }
        Close.Assert(expected, data.X, what: "layer-normalized features");
    }
}
