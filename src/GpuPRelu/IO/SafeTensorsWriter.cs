using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using static GpuPRelu.IO.SafeTensors;

namespace GpuPRelu.IO;

/// <summary>The safetensors writer behind SafeTensors.Write: checks the tensors, builds the header, writes through
/// AtomicFile.</summary>
internal static class SafeTensorsWriter
{
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        Validate(tensors, metadata);
        byte[] header = BuildHeader(tensors, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in tensors)
                WriteFloats(stream, tensor.Data);
        });
    }

    static void Validate(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentException($"tensor #{i} is null", nameof(tensors));
            if (string.IsNullOrEmpty(t.Name))
                throw new ArgumentException($"tensor #{i} has an empty name", nameof(tensors));
            if (t.Name == MetadataKey)
                throw new ArgumentException($"tensor #{i}: the name {MetadataKey} is reserved for the metadata", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"tensor '{t.Name}' appears more than once", nameof(tensors));
            if (t.Shape is null)
                throw new ArgumentException($"tensor '{t.Name}' has a null shape", nameof(tensors));
            if (t.Data is null)
                throw new ArgumentException($"tensor '{t.Name}' has null data", nameof(tensors));
            long count = 1;
            foreach (int d in t.Shape)
            {
                if (d < 0)
                    throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in shape {ShapeText(t.Shape)}", nameof(tensors));
                count = Math.Min(count * d, (long)int.MaxValue + 1); // saturates above any array length
            }
            if (count != t.Data.Length)
                throw new ArgumentException(
                    $"tensor '{t.Name}' has {t.Data.Length} values but shape {ShapeText(t.Shape)} needs {ShapeCount(t.Shape)}", nameof(tensors));
        }
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                if (key is null || value is null)
                    throw new ArgumentException($"metadata entry '{key}' has a null key or value", nameof(metadata));
            }
        }
    }

    static string ShapeCount(int[] shape)
    {
        System.Numerics.BigInteger n = 1;
        foreach (int d in shape)
            n *= d;
        return n.ToString(CultureInfo.InvariantCulture);
    }

    static byte[] BuildHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                    w.WriteString(key, value);
                w.WriteEndObject();
            }
            ulong offset = 0;
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape)
                    w.WriteNumberValue(d);
                w.WriteEndArray();
                ulong end = offset + (ulong)t.Data.Length * 4;
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(end);
                w.WriteEndArray();
                w.WriteEndObject();
                offset = end;
            }
            w.WriteEndObject();
        }
        int length = (int)json.Length;
        int padded = (length + 7) / 8 * 8; // 8 + padded is a multiple of 8, so the buffer is aligned
        var header = new byte[padded];
        json.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < data.Length; i += ChunkBytes / 4)
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan(i, Math.Min(ChunkBytes / 4, data.Length - i))));
            return;
        }
        var buffer = new byte[ChunkBytes];
        for (int i = 0; i < data.Length; i += ChunkBytes / 4)
        {
            int n = Math.Min(ChunkBytes / 4, data.Length - i);
            for (int k = 0; k < n; k++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * k), data[i + k]);
            stream.Write(buffer, 0, 4 * n);
        }
    }
}
