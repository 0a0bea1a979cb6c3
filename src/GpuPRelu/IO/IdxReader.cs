using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuPRelu.IO;

/// <summary>Reads the IDX files of MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzip-compressed (recognized by
/// the gzip magic 1f 8b, not by the name): a 4-byte magic 00 00 08 R (unsigned bytes, R dimensions), R big-endian
/// int32 dimensions, then exactly the product of the dimensions in bytes. Every problem throws InvalidDataException
/// whose message starts with the path: a wrong magic (an image file given for labels or the reverse), a zero or
/// negative dimension, a file that ends early, or bytes after the data.</summary>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an image file: dims [N, rows, columns].</summary>
    public static IdxArray ReadImages(string path) => Read(path, ImagesMagic, "an image file");

    /// <summary>Reads a label file: dims [N].</summary>
    public static IdxArray ReadLabels(string path) => Read(path, LabelsMagic, "a label file");

    /// <summary>Reads an IDX file of unsigned bytes whose magic must be `magic`.</summary>
    public static IdxArray Read(string path, int magic, string what)
    {
        InputFile.Require(path);
        byte[] bytes = ReadAllBytes(path);
        if (bytes.Length < 4)
            throw Bad(path, $"truncated: {bytes.Length} bytes, shorter than the 4-byte magic number");
        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
            throw Bad(path, $"magic number 0x{found:x8} is not 0x{magic:x8}: this is not {what} ({Describe(found)})");
        int rank = magic & 0xff;
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw Bad(path, $"truncated: {bytes.Length} bytes, shorter than the {headerLength}-byte header of {rank} dimensions");
        var dims = new int[rank];
        long count = 1;
        for (int k = 0; k < rank; k++)
        {
            dims[k] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * k));
            if (dims[k] <= 0)
                throw Bad(path, $"dimension {k} is {dims[k]}; every dimension must be positive");
            count *= dims[k];
        }
        long expected = headerLength + count;
        if (bytes.Length < expected)
            throw Bad(path, $"truncated: dimensions [{string.Join(", ", dims)}] need {expected} bytes, the file has {bytes.Length}");
        if (bytes.Length > expected)
            throw Bad(path, $"{bytes.Length - expected} bytes after the data of dimensions [{string.Join(", ", dims)}] ({expected} bytes expected)");
        return new IdxArray(dims, bytes[headerLength..]);
    }

    static byte[] ReadAllBytes(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        int n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (n < 2 || head[0] != 0x1f || head[1] != 0x8b)
        {
            var raw = new byte[file.Length];
            file.ReadExactly(raw);
            return raw;
        }
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw Bad(path, $"corrupt gzip stream: {ex.Message}", ex);
        }
    }

    static string Describe(int magic)
    {
        int zero = (int)((uint)magic >> 16), type = (magic >> 8) & 0xff, rank = magic & 0xff;
        if (zero != 0)
            return "its first two bytes are not zero, so it is no IDX file";
        string typeName = type switch
        {
            0x08 => "unsigned byte",
            0x09 => "signed byte",
            0x0B => "short",
            0x0C => "int",
            0x0D => "float",
            0x0E => "double",
            _ => $"unknown type 0x{type:x2}",
        };
        return $"an IDX file of {typeName} with {rank} dimensions";
    }

    static InvalidDataException Bad(string path, string problem, Exception? inner = null) => new($"{path}: {problem}", inner);
}
