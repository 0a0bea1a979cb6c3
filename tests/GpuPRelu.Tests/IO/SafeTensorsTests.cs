using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GpuPRelu.IO;
using Xunit;

namespace GpuPRelu.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("safetensors-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>A file built byte by byte: length, the header text as given (padded with `pad` spaces), the payload.</summary>
    string WriteRaw(string name, string header, byte[] payload, int pad = 0, ulong? headerLength = null)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header + new string(' ', pad));
        var bytes = new byte[8 + headerBytes.Length + payload.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        payload.CopyTo(bytes, 8 + headerBytes.Length);
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static float[] RandomData(System.Random rng, int n)
    {
        var data = new float[n];
        for (int i = 0; i < n; i++)
            data[i] = (float)(rng.NextDouble() * 20 - 10);
        return data;
    }

    [Fact]
    public void RoundTrip_KeepsTensorsValuesAndMetadata()
    {
        var rng = new System.Random(1234);
        var tensors = new List<SafeTensor>
        {
            new("scalar", [], [3.25f]),
            new("vector", [7], RandomData(rng, 7)),
            new("layer.weight", [4, 5], RandomData(rng, 20)),
            new("cube", [2, 3, 4], RandomData(rng, 24)),
            new("empty", [3, 0], []),
            new("special", [6], [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue]),
        };
        for (int t = 0; t < 5; t++)
        {
            int[] shape = [.. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => rng.Next(1, 6))];
            tensors.Add(new($"random.{t}", shape, RandomData(rng, shape.Aggregate(1, (a, b) => a * b))));
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo \"quoted\" \\ ünïcode ✓" };
        var path = PathOf("round.safetensors");

        SafeTensors.Write(path, tensors, metadata);
        var (read, readMeta) = SafeTensors.Read(path);

        Assert.Equal(tensors.Count, read.Count);
        foreach (var t in tensors)
        {
            var r = read[t.Name];
            Assert.Equal(t.Name, r.Name);
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), r.Data.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(metadata.OrderBy(kv => kv.Key), readMeta.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Read_HandBuiltFile_WithF64F16Bf16AndF32()
    {
        // Payload laid out by hand (little-endian), not in header order:
        //   [0, 16)  "d"  F64 [2]    1.5 = 0x3FF8000000000000, -0.25 = 0xBFD0000000000000
        //   [16, 24) "h"  F16 [2, 2] 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, 65504 = 0x7BFF
        //   [24, 30) "b"  BF16 [3]   1.0 = 0x3F80, -3.0 = 0xC040, 3.140625 = 0x4049
        //   [30, 34) "f"  F32 []     2.5 = 0x40200000
        //   [34, 42) "s"  F64 []     -1e-3 = 0xBF50624DD2F1A9FC, narrowed to float
        byte[] payload =
        [
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xD0, 0xBF,
            0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0xFF, 0x7B,
            0x80, 0x3F, 0x40, 0xC0, 0x49, 0x40,
            0x00, 0x00, 0x20, 0x40,
            0xFC, 0xA9, 0xF1, 0xD2, 0x4D, 0x62, 0x50, 0xBF,
        ];
        const string header = """
            {"f":{"dtype":"F32","shape":[],"data_offsets":[30,34]},
             "__metadata__":{"source":"hand","k":"v"},
             "b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]},
             "h":{"shape":[2,2],"dtype":"F16","data_offsets":[16,24]},
             "d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},
             "s":{"dtype":"F64","shape":[],"data_offsets":[34,42]}}
            """;
        var path = WriteRaw("hand.safetensors", header, payload, pad: 5);

        var (tensors, metadata) = SafeTensors.Read(path);

        Assert.Equal(5, tensors.Count);
        Assert.Equal([2], tensors["d"].Shape);
        Assert.Equal([1.5f, -0.25f], tensors["d"].Data);
        Assert.Equal([2, 2], tensors["h"].Shape);
        Assert.Equal([1f, -2f, 0.5f, 65504f], tensors["h"].Data);
        Assert.Equal([3], tensors["b"].Shape);
        Assert.Equal([1f, -3f, 3.140625f], tensors["b"].Data);
        Assert.Empty(tensors["f"].Shape);
        Assert.Equal([2.5f], tensors["f"].Data);
        Assert.Empty(tensors["s"].Shape);
        Assert.Equal([(float)-1e-3], tensors["s"].Data);
        Assert.Equal("hand", metadata["source"]);
        Assert.Equal("v", metadata["k"]);
        Assert.Equal(2, metadata.Count);
    }

    [Fact]
    public void Read_FileWithoutMetadata_GivesEmptyMetadata()
    {
        var path = WriteRaw("nometa.safetensors", """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", [0, 0, 0x80, 0x3F]);
        var (tensors, metadata) = SafeTensors.Read(path);
        Assert.Empty(metadata);
        Assert.Equal([1f], tensors["x"].Data);
    }

    [Fact]
    public void Write_BytesFollowTheSpec()
    {
        float[] a = [1f, -2f, 0.5f, 3.75f, 1e-20f, -7f];
        float[] b = [42f];
        float[] c = [0.1f, 0.2f];
        var path = PathOf("spec.safetensors");
        SafeTensors.Write(path, [new("zeta.a", [2, 3], a), new("alpha", [], b), new("mid", [2], c)],
            new Dictionary<string, string> { ["format"] = "pt" });

        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.True(n <= (ulong)bytes.Length - 8);
        Assert.Equal(0UL, (8 + n) % 8);
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        var trimmed = headerText.TrimEnd(' ');
        Assert.True(headerText.Length - trimmed.Length < 8);
        Assert.StartsWith("{", headerText, StringComparison.Ordinal);
        Assert.EndsWith("}", trimmed, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(trimmed);
        var props = doc.RootElement.EnumerateObject().ToList();
        Assert.Equal("pt", doc.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        var tensorProps = props.Where(p => p.Name != "__metadata__").ToList();
        Assert.Equal(["zeta.a", "alpha", "mid"], tensorProps.Select(p => p.Name));

        int dataStart = 8 + (int)n;
        (string Name, int[] Shape, float[] Data)[] expected = [("zeta.a", [2, 3], a), ("alpha", [], b), ("mid", [2], c)];
        ulong offset = 0;
        foreach (var (name, shape, data) in expected)
        {
            var e = doc.RootElement.GetProperty(name);
            Assert.Equal(3, e.EnumerateObject().Count());
            Assert.Equal("F32", e.GetProperty("dtype").GetString());
            Assert.Equal(shape, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetUInt64()).ToArray();
            Assert.Equal([offset, offset + (ulong)data.Length * 4], offsets);
            for (int i = 0; i < data.Length; i++)
            {
                float v = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)offset + 4 * i));
                Assert.Equal(BitConverter.SingleToInt32Bits(data[i]), BitConverter.SingleToInt32Bits(v));
            }
            offset += (ulong)data.Length * 4;
        }
        Assert.Equal((ulong)bytes.Length, (ulong)dataStart + offset);
    }

    [Fact]
    public void Write_WithoutMetadata_HasNoMetadataKey()
    {
        var path = PathOf("plain.safetensors");
        SafeTensors.Write(path, [new("x", [1], [1f])]);
        var bytes = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, n));
        Assert.False(doc.RootElement.TryGetProperty("__metadata__", out _));
    }

    [Fact]
    public void Write_IsAtomic_ReplacesExistingFileAndLeavesNoTemporaries()
    {
        var path = PathOf("model.safetensors");
        File.WriteAllText(path, "old content that is not a safetensors file");

        SafeTensors.Write(path, [new("w", [2], [1f, 2f])]);
        SafeTensors.Write(path, [new("w", [3], [4f, 5f, 6f])]);

        Assert.Equal([4f, 5f, 6f], SafeTensors.Read(path).Tensors["w"].Data);
        Assert.Equal(["model.safetensors"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Write_RejectedInput_KeepsExistingFileAndLeavesNoTemporaries()
    {
        var path = PathOf("keep.safetensors");
        SafeTensors.Write(path, [new("w", [1], [9f])]);
        var before = File.ReadAllBytes(path);

        Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [new("w", [2], [1f])]));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.safetensors"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void Write_MissingFolder_LeavesNoTemporaries()
    {
        var path = Path.Combine(_dir.FullName, "missing", "x.safetensors");
        Assert.ThrowsAny<IOException>(() => SafeTensors.Write(path, [new("w", [1], [1f])]));
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public void Write_DuplicateNames_ThrowsNamingTheTensor()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Write(PathOf("dup.safetensors"), [new("same.name", [1], [1f]), new("same.name", [1], [2f])]));
        Assert.Contains("same.name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, 5)]
    [InlineData(new int[0], 0)]
    [InlineData(new int[0], 2)]
    [InlineData(new[] { 4 }, 5)]
    public void Write_DataLengthNotShapeProduct_ThrowsNamingTheTensor(int[] shape, int length)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Write(PathOf("len.safetensors"), [new("ok", [1], [1f]), new("bad.tensor", shape, new float[length])]));
        Assert.Contains("bad.tensor", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public void Write_NegativeDimension_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("neg.safetensors"), [new("neg", [-1, -2], new float[2])]));
        Assert.Contains("neg", ex.Message, StringComparison.Ordinal);
    }

    static void AssertRefused(string path, params string[] fragments)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains(Path.GetFileName(path), ex.Message, StringComparison.Ordinal);
        foreach (var f in fragments)
            Assert.Contains(f, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Read_FileShorterThan8Bytes_IsRefused(int length)
    {
        var path = PathOf($"short{length}.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        AssertRefused(path, "shorter than");
    }

    [Fact]
    public void Read_HeaderLengthBeyondFile_IsRefused()
    {
        var path = WriteRaw("longheader.safetensors", "{}", [], headerLength: 3);
        AssertRefused(path, "header length 3", "beyond the file");
        path = WriteRaw("hugeheader.safetensors", "{}", [], headerLength: ulong.MaxValue);
        AssertRefused(path, "beyond the file");
    }

    [Theory]
    // malformed JSON
    [InlineData("badjson", """{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", 4, "not valid JSON")]
    [InlineData("notjson", "hello", 0, "not valid JSON")]
    [InlineData("array", "[1, 2]", 0, "must be a JSON object")]
    // missing fields
    [InlineData("nodtype", """{"x":{"shape":[1],"data_offsets":[0,4]}}""", 4, "'x' has no dtype")]
    [InlineData("noshape", """{"x":{"dtype":"F32","data_offsets":[0,4]}}""", 4, "'x' has no shape")]
    [InlineData("nooffsets", """{"x":{"dtype":"F32","shape":[1]}}""", 4, "'x' has no data_offsets")]
    [InlineData("notobject", """{"x":[1,2]}""", 0, "'x' must be an object")]
    // unsupported dtype
    [InlineData("i64", """{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", 8, "unsupported dtype 'I64'", "ids")]
    [InlineData("bool", """{"m":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}""", 1, "unsupported dtype 'BOOL'")]
    // bad shapes
    [InlineData("negdim", """{"x":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,0]}}""", 0, "negative dimension -1", "'x'")]
    [InlineData("fracdim", """{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4, "not an integer")]
    [InlineData("strshape", """{"x":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}""", 4, "shape that is not an array")]
    // offsets not matching shape × dtype size
    [InlineData("mismatch", """{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}""", 16, "do not match", "'x'")]
    [InlineData("mismatch16", """{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,12]}}""", 12, "do not match", "'h'")]
    [InlineData("reversed", """{"x":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "end before the begin")]
    [InlineData("negoffset", """{"x":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 8, "not non-negative integers")]
    [InlineData("oneoffset", """{"x":{"dtype":"F32","shape":[1],"data_offsets":[4]}}""", 8, "data_offsets [begin, end]")]
    // truncated payload
    [InlineData("truncated", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"big":{"dtype":"F32","shape":[4],"data_offsets":[4,20]}}""", 12,
        "truncated: tensor 'big' needs bytes")]
    // overlapping tensors
    [InlineData("overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12,
        "overlap", "'a'", "'b'")]
    [InlineData("same", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4,
        "overlap")]
    // duplicates and metadata
    [InlineData("dupkey", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8,
        "'a' more than once")]
    [InlineData("metanum", """{"__metadata__":{"epochs":3}}""", 0, "'epochs' must be a string")]
    [InlineData("metaarr", """{"__metadata__":[]}""", 0, "__metadata__ must be an object")]
    public void Read_MalformedHeader_IsRefused(string name, string header, int payloadLength, params string[] fragments)
    {
        var path = WriteRaw($"{name}.safetensors", header, new byte[payloadLength]);
        AssertRefused(path, fragments);
    }

    [Fact]
    public void Read_TruncatedPayload_ReportsNeededAndActualBytes()
    {
        const string header = """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""";
        var path = WriteRaw("cut.safetensors", header, new byte[10], pad: 6);
        long start = 8 + header.Length + 6;
        AssertRefused(path, $"truncated: tensor 'w' needs bytes {start}..{start + 24}, the file has {start + 10}");
    }

    [Fact]
    public void Read_InvalidUtf8Header_IsRefused()
    {
        var path = PathOf("utf8.safetensors");
        byte[] header = [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        var bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        AssertRefused(path, "not valid UTF-8");
    }

    [Fact]
    public void Read_WriterOutput_ReadsBackAfterRoundTripOfEmptyList()
    {
        var path = PathOf("none.safetensors");
        SafeTensors.Write(path, []);
        var (tensors, metadata) = SafeTensors.Read(path);
        Assert.Empty(tensors);
        Assert.Empty(metadata);
        Assert.Equal(0, File.ReadAllBytes(path).Length % 8);
    }
}
