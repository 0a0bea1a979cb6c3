using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using static GpuPRelu.IO.SafeTensors;

namespace GpuPRelu.IO;

/// <summary>The safetensors reader behind SafeTensors.Read: every malformed header or buffer is an
/// InvalidDataException that starts with the path and names the problem.</summary>
internal static class SafeTensorsReader
{
    public static (IReadOnlyDictionary<string, SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
            throw Bad(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");

        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(handle, lengthBytes, 0, path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(path, $"header length {headerLength} goes beyond the file ({fileLength} bytes, at most {fileLength - 8} after the length)");
        if (headerLength > int.MaxValue)
            throw Bad(path, $"header length {headerLength} is too large");

        var header = new byte[headerLength];
        ReadExactly(handle, header, 8, path);
        long dataStart = 8 + (long)headerLength;
        long bufferLength = fileLength - dataStart;

        var entries = ParseHeader(path, header, out var metadata);
        CheckOffsets(path, entries, dataStart, bufferLength, fileLength);

        var tensors = new Dictionary<string, SafeTensor>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries)
            tensors.Add(e.Name, new SafeTensor(e.Name, e.Shape, ReadData(handle, path, e, dataStart)));
        return (tensors, metadata);
    }

    sealed record Entry(string Name, DType DType, int[] Shape, long Count, ulong Begin, ulong End);

    enum DType { F32, F64, F16, BF16 }

    static int Size(DType t) => t switch
    {
        DType.F64 => 8,
        DType.F32 => 4,
        _ => 2,
    };

    static InvalidDataException Bad(string path, string problem, Exception? inner = null) =>
        new($"{path}: {problem}", inner);

    static List<Entry> ParseHeader(string path, byte[] header, out IReadOnlyDictionary<string, string> metadata)
    {
        if (!Utf8.IsValid(header))
            throw Bad(path, "the header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw Bad(path, $"the header is not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(path, $"the header must be a JSON object, got {doc.RootElement.ValueKind}");
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                    throw Bad(path, $"the header names '{prop.Name}' more than once");
                if (prop.Name == MetadataKey)
                    ReadMetadata(path, prop.Value, meta);
                else
                    entries.Add(ParseEntry(path, prop.Name, prop.Value));
            }
            metadata = meta;
            return entries;
        }
    }

    static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> meta)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"{MetadataKey} must be an object of strings, got {value.ValueKind}");
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw Bad(path, $"{MetadataKey} entry '{p.Name}' must be a string, got {p.Value.ValueKind}");
            if (!meta.TryAdd(p.Name, p.Value.GetString()!))
                throw Bad(path, $"{MetadataKey} names '{p.Name}' more than once");
        }
    }

    static Entry ParseEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, $"tensor '{name}' must be an object, got {value.ValueKind}");

        if (!value.TryGetProperty("dtype", out var dtypeEl))
            throw Bad(path, $"tensor '{name}' has no dtype");
        if (dtypeEl.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has a dtype that is not a string ({dtypeEl.ValueKind})");
        string dtypeText = dtypeEl.GetString()!;
        DType dtype = dtypeText switch
        {
            "F32" => DType.F32,
            "F64" => DType.F64,
            "F16" => DType.F16,
            "BF16" => DType.BF16,
            _ => throw Bad(path, $"tensor '{name}' has unsupported dtype '{dtypeText}' (supported: F32, F64, F16, BF16)"),
        };

        if (!value.TryGetProperty("shape", out var shapeEl))
            throw Bad(path, $"tensor '{name}' has no shape");
        if (shapeEl.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has a shape that is not an array ({shapeEl.ValueKind})");
        var shape = new int[shapeEl.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim))
                throw Bad(path, $"tensor '{name}' has a shape entry that is not an integer: {d.GetRawText()}");
            if (dim < 0)
                throw Bad(path, $"tensor '{name}' has a negative dimension {dim} in its shape");
            if (dim > Array.MaxLength)
                throw Bad(path, $"tensor '{name}' has dimension {dim}, larger than an array can hold");
            shape[i++] = (int)dim;
            count *= dim;
            if (count > Array.MaxLength)
                throw Bad(path, $"tensor '{name}' has shape {ShapeText(shape[..i])}… with more elements than an array can hold");
        }

        if (!value.TryGetProperty("data_offsets", out var offEl))
            throw Bad(path, $"tensor '{name}' has no data_offsets");
        if (offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}' must have data_offsets [begin, end], got {offEl.GetRawText()}");
        if (!TryGetOffset(offEl[0], out ulong begin) || !TryGetOffset(offEl[1], out ulong end))
            throw Bad(path, $"tensor '{name}' has data_offsets that are not non-negative integers: {offEl.GetRawText()}");
        if (end < begin)
            throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] with the end before the begin");
        ulong expected = (ulong)count * (ulong)Size(dtype);
        if (end - begin != expected)
            throw Bad(path, $"tensor '{name}' has data_offsets [{begin}, {end}] ({end - begin} bytes) that do not match "
                + $"shape {ShapeText(shape)} × {dtypeText} ({expected} bytes)");
        return new Entry(name, dtype, shape, count, begin, end);
    }

    static bool TryGetOffset(JsonElement e, out ulong value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out value);
    }

    static void CheckOffsets(string path, List<Entry> entries, long dataStart, long bufferLength, long fileLength)
    {
        foreach (var e in entries)
        {
            if (e.End > (ulong)bufferLength)
                throw Bad(path, $"truncated: tensor '{e.Name}' needs bytes {(ulong)dataStart + e.Begin}..{(ulong)dataStart + e.End}, "
                    + $"the file has {fileLength} (data_offsets [{e.Begin}, {e.End}], byte buffer of {bufferLength} bytes after the header)");
        }
        var sorted = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (int k = 1; k < sorted.Count; k++)
        {
            var (a, b) = (sorted[k - 1], sorted[k]);
            if (b.Begin < a.End)
                throw Bad(path, $"tensors '{a.Name}' [{a.Begin}, {a.End}) and '{b.Name}' [{b.Begin}, {b.End}) overlap");
        }
    }

    static float[] ReadData(SafeFileHandle handle, string path, Entry e, long dataStart)
    {
        var data = new float[e.Count];
        int size = Size(e.DType);
        int perChunk = ChunkBytes / size;
        var buffer = new byte[Math.Min((long)ChunkBytes, e.Count * size)];
        long position = dataStart + (long)e.Begin;
        for (long i = 0; i < e.Count; i += perChunk)
        {
            int n = (int)Math.Min(perChunk, e.Count - i);
            var bytes = buffer.AsSpan(0, n * size);
            ReadExactly(handle, bytes, position + i * size, path);
            var dest = data.AsSpan((int)i, n);
            switch (e.DType)
            {
                case DType.F32:
                    for (int k = 0; k < n; k++)
                        dest[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * k)..]);
                    break;
                case DType.F64:
                    for (int k = 0; k < n; k++)
                        dest[k] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * k)..]);
                    break;
                case DType.F16:
                    for (int k = 0; k < n; k++)
                        dest[k] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * k)..]);
                    break;
                case DType.BF16:
                    for (int k = 0; k < n; k++)
                        dest[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * k)..]) << 16);
                    break;
                default:
                    throw new UnreachableException();
            }
        }
        return data;
    }

    static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(handle, buffer, offset);
            if (n == 0)
                throw Bad(path, $"truncated: unexpected end of file at byte {offset}");
            buffer = buffer[n..];
            offset += n;
        }
    }
}
