using System.Buffers.Binary;
using System.IO.Compression;

namespace AudioMix.Audio.Imaging;

/// <summary>
/// Writes 8-bit RGB images as PNG (ISO/IEC 15948, W3C PNG 2nd ed.): signature, IHDR, one zlib-compressed IDAT with
/// filter type 0 on every scanline, IEND; each chunk closed by its CRC-32 (§5.5). About seventy lines, so previews need
/// no native imaging library (SkiaSharp would bring one for this alone).
/// </summary>
public static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes <paramref name="image"/> as a PNG file.</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour (RGB)
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                var stride = image.Width * 3;
                for (var y = 0; y < image.Height; y++)
                {
                    zlib.WriteByte(0); // filter type None
                    zlib.Write(image.Pixels, y * stride, stride);
                }
            }

            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }

        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Append(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu);
        output.Write(word);
    }
}

/// <summary>CRC-32 as PNG and zlib's gzip use it (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320), table-driven.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/> (initial value all ones, final XOR all ones).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    /// <summary>Continues a running (un-finalised) CRC over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

/// <summary>An 8-bit RGB raster, row-major, three bytes per pixel.</summary>
public sealed class RgbImage
{
    /// <summary>A black image of the given size (both at least 1, at most 4096).</summary>
    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 4096);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 4096);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
    }

    /// <summary>Pixels across.</summary>
    public int Width { get; }

    /// <summary>Pixels down.</summary>
    public int Height { get; }

    /// <summary>R, G, B bytes of each pixel, row by row from the top.</summary>
    public byte[] Pixels { get; }

    /// <summary>Sets one pixel; outside the image nothing happens.</summary>
    public void Set(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    /// <summary>Blends <paramref name="colour"/> over one pixel with opacity <paramref name="alpha"/> in [0, 1].</summary>
    public void Blend(int x, int y, Rgb colour, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        Pixels[i] = Mix(Pixels[i], colour.R, alpha);
        Pixels[i + 1] = Mix(Pixels[i + 1], colour.G, alpha);
        Pixels[i + 2] = Mix(Pixels[i + 2], colour.B, alpha);
    }

    /// <summary>Fills rows <paramref name="top"/>..<paramref name="bottom"/> (exclusive) of column <paramref name="x"/>.</summary>
    public void VerticalLine(int x, int top, int bottom, Rgb colour, double alpha = 1)
    {
        for (var y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
        {
            Blend(x, y, colour, alpha);
        }
    }

    private static byte Mix(byte under, byte over, double alpha) => (byte)Math.Clamp(Math.Round(under + ((over - under) * alpha)), 0, 255);
}

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B);
