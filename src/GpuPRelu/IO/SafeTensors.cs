using System.Globalization;

namespace GpuPRelu.IO;

/// <summary>Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to its dtype, shape and
/// data_offsets (relative to the byte buffer after the header, end exclusive) plus an optional "__metadata__"
/// object of strings, then the byte buffer with every tensor little-endian and row-major. The reader is
/// SafeTensorsReader, the writer SafeTensorsWriter.</summary>
public static class SafeTensors
{
    /// <summary>The header key that holds the string-to-string metadata rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    // bytes moved per read or write call
    internal const int ChunkBytes = 1 << 20;

    /// <summary>Writes the tensors as F32 in the given order, the header padded with spaces so that the byte buffer
    /// starts at a multiple of 8, atomically (AtomicFile: a temporary file in the same folder, flushed, then renamed
    /// over `path`), so a failure never leaves a half-written file. Throws ArgumentException naming the tensor
    /// when a name is empty, reserved or repeated, or when a tensor's data length is not the product of its shape.</summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, tensors, metadata);

    /// <summary>Reads every tensor (F32, F64, F16 or BF16, converted to float) and the metadata (empty when the file
    /// has none). Any malformed content throws InvalidDataException whose message starts with the path and names
    /// the problem: a file shorter than 8 bytes, a header length beyond the file, malformed JSON, a missing or
    /// invalid dtype, shape or data_offsets, an unsupported dtype, a negative dimension, offsets that do not match
    /// shape × dtype size, offsets beyond the end of the file, or overlapping tensors.</summary>
    public static (IReadOnlyDictionary<string, SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path) =>
        SafeTensorsReader.Read(path);

    /// <summary>"[2, 3]": a shape as messages print it.</summary>
    internal static string ShapeText(int[] shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
