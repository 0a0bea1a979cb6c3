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

    /// <summary>Bytes after the data that are counted exactly; past them reading stops (a gzip bomb is not inflated).</summary>
    public const int TrailingLimit = 1 << 20;

    /// <summary>Reads an IDX file of unsigned bytes whose magic must be `magic`. The data is read up to the size its header
    /// declares and no further, so a file (or gzip stream) longer than that is refused after at most TrailingLimit more
    /// bytes, naming the file, instead of being read whole.</summary>
    public static IdxArray Read(string path, int magic, string what)
    {
        InputFile.Require(path);
        using var file = File.OpenRead(path);
        try
        {
            using var stream = Open(file);
            return Read(stream, path, magic, what);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw Bad(path, $"corrupt gzip stream: {ex.Message}", ex);
        }
    }

    private static IdxArray Read(Stream stream, string path, int magic, string what)
    {
        var head = new byte[4];
        int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (n < 4)
            throw Bad(path, $"truncated: {n} bytes, shorter than the 4-byte magic number");
        int found = BinaryPrimitives.ReadInt32BigEndian(head);
        if (found != magic)
            throw Bad(path, $"magic number 0x{found:x8} is not 0x{magic:x8}: this is not {what} ({Describe(found)})");
        int rank = magic & 0xff;
        int headerLength = 4 + 4 * rank;
        var dimBytes = new byte[4 * rank];
        n = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (n < dimBytes.Length)
            throw Bad(path, $"truncated: {4 + n} bytes, shorter than the {headerLength}-byte header of {rank} dimensions");
        var dims = new int[rank];
        long count = 1;
        for (int k = 0; k < rank; k++)
        {
            dims[k] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * k));
            if (dims[k] <= 0)
                throw Bad(path, $"dimension {k} is {dims[k]}; every dimension must be positive");
            count *= dims[k];
        }
        long expected = headerLength + count;
        if (count > Array.MaxLength)
            throw Bad(path, $"dimensions [{string.Join(", ", dims)}] declare {count} bytes of data; one array holds at most {Array.MaxLength}");
        // the data grows as it arrives (a header may declare more than the file holds)
        var data = new byte[Math.Min(count, 1 << 20)];
        long got = 0;
        while (got < count)
        {
            if (got == data.Length)
                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            int read = stream.Read(data, (int)got, data.Length - (int)got);
            if (read == 0)
                throw Bad(path, $"truncated: dimensions [{string.Join(", ", dims)}] need {expected} bytes, the file has {headerLength + got}");
            got += read;
        }
        long extra = 0;
        var rest = new byte[64 * 1024];
        for (int read; extra <= TrailingLimit && (read = stream.Read(rest)) > 0;)
            extra += read;
        if (extra > TrailingLimit)
            throw Bad(path, $"more than {TrailingLimit} bytes after the data of dimensions [{string.Join(", ", dims)}] ({expected} bytes expected); reading stopped there");
        if (extra > 0)
            throw Bad(path, $"{extra} bytes after the data of dimensions [{string.Join(", ", dims)}] ({expected} bytes expected)");
        return new IdxArray(dims, data);
    }

    // the file, or its gzip stream when it starts with the gzip magic 1f 8b
    private static Stream Open(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        int n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
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
