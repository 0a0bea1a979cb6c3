using System.Buffers.Binary;
using System.Text;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Mutations of a valid input file for the parser fuzz tests, drawn from a seeded generator: bit flips, bytes set
/// to their limits, truncations, insertions and duplications of chunks, 4- and 8-byte length fields overwritten with
/// limit values, and (for text formats) structural tokens and deep nesting spliced in.</summary>
internal static class Mutator
{
    private static readonly long[] Limits = [0, 1, -1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 40];

    private static readonly string[] Tokens =
    [
        ",", "\n", "\r\n", "\"", "'", "[", "]", "{", "}", ":", "-", "---\n", "...\n", "&a ", "*a", "!!binary ", "? ", "nan", "NaN", "-inf",
        "1e999", "-0", "99999999999999999999", "\0", "\t", "#", "%YAML 1.2\n", "\ufeff", "é", "\"\\u0000\"", "true", "null", "~",
    ];

    /// <summary>One to three mutations of `valid`, chosen by `rng`; `text` adds the token and nesting mutations.</summary>
    public static byte[] Mutate(byte[] valid, System.Random rng, bool text)
    {
        var bytes = new List<byte>(valid);
        int count = 1 + rng.Next(3);
        for (int m = 0; m < count; m++)
        {
            int kind = rng.Next(text ? 9 : 7);
            int at = bytes.Count == 0 ? 0 : rng.Next(bytes.Count);
            switch (kind)
            {
                case 0:
                    // flip 1–8 bits
                    for (int k = 1 + rng.Next(8); k > 0 && bytes.Count > 0; k--)
                    {
                        int i = rng.Next(bytes.Count);
                        bytes[i] ^= (byte)(1 << rng.Next(8));
                    }
                    break;
                case 1:
                    if (bytes.Count > 0)
                        bytes[at] = (byte)Limits[rng.Next(Limits.Length)];
                    break;
                case 2:
                    // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256)));
                    break;
                case 4:
                    // duplicate a chunk in place
                    int length = Math.Min(bytes.Count - at, 1 + rng.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                case 6:
                    // a length field at its limits: 4 or 8 bytes, little- or big-endian, at the start or anywhere
                    int width = kind == 5 ? 4 : 8;
                    int offset = rng.Next(3) == 0 ? 0 : at;
                    if (offset + width > bytes.Count)
                        break;
                    var field = new byte[width];
                    long value = Limits[rng.Next(Limits.Length)];
                    bool little = rng.Next(2) == 0;
                    if (width == 4)
                    {
                        if (little)
                            BinaryPrimitives.WriteInt32LittleEndian(field, (int)value);
                        else
                            BinaryPrimitives.WriteInt32BigEndian(field, (int)value);
                    }
                    else if (little)
                        BinaryPrimitives.WriteInt64LittleEndian(field, value);
                    else
                        BinaryPrimitives.WriteInt64BigEndian(field, value);
                    for (int i = 0; i < width; i++)
                        bytes[offset + i] = field[i];
                    break;
                case 7:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)]));
                    break;
                default:
                    // deep nesting: [[[…]]] or {a: {a: …}}
                    int depth = 1 + rng.Next(300);
                    string nest = rng.Next(2) == 0
                        ? new string('[', depth) + new string(']', depth)
                        : string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth);
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(nest));
                    break;
            }
        }
        return [.. bytes];
    }
}
