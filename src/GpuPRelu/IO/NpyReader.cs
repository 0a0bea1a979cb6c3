using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GpuPRelu.IO;

/// <summary>Reads NumPy .npy files (format versions 1.0–3.0): the magic "\x93NUMPY", a version, a little-endian header
/// length (2 bytes in version 1, 4 after), a Python dict literal with 'descr', 'fortran_order' and 'shape', then the
/// data. Supported: little-endian float32/float64, int8/16/32/64 and uint8/16, C order. Every problem throws
/// InvalidDataException whose message starts with the path.</summary>
public static partial class NpyReader
{
    /// <summary>Reads the array; values are widened to float64.</summary>
    public static NpyArray Read(string path)
    {
        InputFile.Require(path);
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(magic))
            throw Bad(path, "not a .npy file (it does not start with \\x93NUMPY)");
        int major = bytes[6];
        if (major is < 1 or > 3)
            throw Bad(path, $".npy format version {major}.{bytes[7]} is not supported (1.0 to 3.0)");
        int lengthBytes = major == 1 ? 2 : 4;
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
            : bytes.Length >= 12 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) : long.MaxValue;
        long dataStart = 8 + lengthBytes + headerLength;
        if (dataStart > bytes.Length)
            throw Bad(path, $"truncated: the header needs {dataStart} bytes, the file has {bytes.Length}");
        string header = Encoding.UTF8.GetString(bytes, 8 + lengthBytes, (int)headerLength);

        string descr = Field(path, header, DescrPattern(), "descr");
        if (Field(path, header, FortranPattern(), "fortran_order") == "True")
            throw Bad(path, "fortran_order is True; save a C-order array (np.ascontiguousarray)");
        var shape = ParseShape(path, Field(path, header, ShapePattern(), "shape"));
        if (descr.Length > 0 && descr[0] == '>')
            throw Bad(path, $"dtype '{descr}' is big-endian; save with a little-endian dtype (e.g. astype('<f4'))");
        int size = descr switch
        {
            "<f4" or "<i4" => 4,
            "<f8" or "<i8" => 8,
            "<i2" or "<u2" => 2,
            "|u1" or "|i1" => 1,
            _ => throw Bad(path, $"dtype '{descr}' is not supported (float32, float64, int8/16/32/64, uint8/16)"),
        };
        long count = 1;
        foreach (int d in shape)
            count *= d;
        long expected = dataStart + count * size;
        if (bytes.Length < expected)
            throw Bad(path, $"truncated: shape ({string.Join(", ", shape)}) of {descr} needs {expected} bytes, the file has {bytes.Length}");
        if (bytes.Length > expected)
            throw Bad(path, $"{bytes.Length - expected} bytes after the data of shape ({string.Join(", ", shape)})");

        var data = new double[count];
        var raw = bytes.AsSpan((int)dataStart);
        for (int i = 0; i < count; i++)
        {
            data[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]),
                "<i2" => BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]),
                "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]),
                "|u1" => raw[i],
                _ => (sbyte)raw[i],
            };
        }
        return new NpyArray(shape, data);
    }

    static string Field(string path, string header, Regex pattern, string key)
    {
        var m = pattern.Match(header);
        return m.Success ? m.Groups[1].Value : throw Bad(path, $"the header has no valid '{key}' entry: {header.Trim()}");
    }

    static int[] ParseShape(string path, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shape = new int[parts.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            if (!int.TryParse(parts[k].TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out shape[k]))
                throw Bad(path, $"shape entry '{parts[k]}' is not a non-negative integer");
        }
        return shape;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    static InvalidDataException Bad(string path, string problem) => new($"{path}: {problem}");
}
