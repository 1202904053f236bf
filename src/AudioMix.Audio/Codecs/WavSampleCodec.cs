using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AudioMix.Audio.Codecs;

/// <summary>
/// Conversions between WAV sample encodings and float32. Integer PCM maps to [-1, 1) by dividing by
/// 2^(bits-1) (the convention of libsndfile's and FFmpeg's "normalised" float, so a PCM16 → float → PCM16
/// round trip is bit-exact); 8-bit WAV is unsigned with 128 as zero (Microsoft RIFF spec, 1991).
/// Encoding clips to [-1, 1] and rounds to nearest (ties to even), no dither, so output is deterministic.
/// </summary>
internal static class WavSampleCodec
{
    public static int BytesPerSample(WavSampleFormat format) => format switch
    {
        WavSampleFormat.Pcm8 => 1,
        WavSampleFormat.Pcm16 => 2,
        WavSampleFormat.Pcm24 => 3,
        WavSampleFormat.Pcm32 => 4,
        WavSampleFormat.Float32 => 4,
        WavSampleFormat.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format."),
    };

    public static bool IsFloat(WavSampleFormat format) => format is WavSampleFormat.Float32 or WavSampleFormat.Float64;

    public static string CodecName(WavSampleFormat format) => format switch
    {
        WavSampleFormat.Pcm8 => "pcm_u8",
        WavSampleFormat.Pcm16 => "pcm_s16le",
        WavSampleFormat.Pcm24 => "pcm_s24le",
        WavSampleFormat.Pcm32 => "pcm_s32le",
        WavSampleFormat.Float32 => "pcm_f32le",
        WavSampleFormat.Float64 => "pcm_f64le",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format."),
    };

    /// <summary>Decodes <paramref name="destination"/>.Length samples from <paramref name="source"/>.</summary>
    public static void Decode(WavSampleFormat format, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var n = destination.Length;
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                source = source[..n];
                for (var i = 0; i < n; i++)
                {
                    destination[i] = (source[i] - 128) * (1f / 128);
                }

                break;
            case WavSampleFormat.Pcm16:
                source = source[..(n * 2)];
                for (var i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(i * 2)..]) * (1f / 32768);
                }

                break;
            case WavSampleFormat.Pcm24:
                source = source[..(n * 3)];
                for (int i = 0, j = 0; i < n; i++, j += 3)
                {
                    // Sign-extend the 24-bit value by placing it in the top of an int and shifting back.
                    var v = ((source[j + 2] << 24) | (source[j + 1] << 16) | (source[j] << 8)) >> 8;
                    destination[i] = v * (1f / 8388608);
                }

                break;
            case WavSampleFormat.Pcm32:
                source = source[..(n * 4)];
                for (var i = 0; i < n; i++)
                {
                    destination[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]) * (1.0 / 2147483648.0));
                }

                break;
            case WavSampleFormat.Float32:
                source = source[..(n * 4)];
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                    }
                }

                break;
            case WavSampleFormat.Float64:
                source = source[..(n * 8)];
                for (var i = 0; i < n; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(i * 8)..]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format.");
        }
    }

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (which must hold source.Length samples).</summary>
    public static void Encode(WavSampleFormat format, ReadOnlySpan<float> source, Span<byte> destination)
    {
        var n = source.Length;
        switch (format)
        {
            case WavSampleFormat.Pcm8:
                destination = destination[..n];
                for (var i = 0; i < n; i++)
                {
                    destination[i] = (byte)(Quantise(source[i], 128f, -128, 127) + 128);
                }

                break;
            case WavSampleFormat.Pcm16:
                destination = destination[..(n * 2)];
                for (var i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(destination[(i * 2)..], (short)Quantise(source[i], 32768f, short.MinValue, short.MaxValue));
                }

                break;
            case WavSampleFormat.Pcm24:
                destination = destination[..(n * 3)];
                for (int i = 0, j = 0; i < n; i++, j += 3)
                {
                    var v = Quantise(source[i], 8388608f, -8388608, 8388607);
                    destination[j] = (byte)v;
                    destination[j + 1] = (byte)(v >> 8);
                    destination[j + 2] = (byte)(v >> 16);
                }

                break;
            case WavSampleFormat.Pcm32:
                destination = destination[..(n * 4)];
                for (var i = 0; i < n; i++)
                {
                    // Double: float's 24-bit mantissa cannot address every 32-bit step, and 2^31 must clip.
                    var x = source[i];
                    var scaled = float.IsNaN(x) ? 0.0 : Math.Round(Math.Clamp((double)x, -1.0, 1.0) * 2147483648.0, MidpointRounding.ToEven);
                    var v = scaled >= int.MaxValue ? int.MaxValue : (int)scaled;
                    BinaryPrimitives.WriteInt32LittleEndian(destination[(i * 4)..], v);
                }

                break;
            case WavSampleFormat.Float32:
                destination = destination[..(n * 4)];
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(source).CopyTo(destination);
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
                    }
                }

                break;
            case WavSampleFormat.Float64:
                destination = destination[..(n * 8)];
                for (var i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * 8)..], source[i]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format.");
        }
    }

    /// <summary>
    /// x · scale rounded to nearest (ties to even, as lrintf in FFmpeg's swresample does) and clipped to [min, max].
    /// Scaling by a power of two is exact in float, so no precision is lost before rounding; NaN becomes 0.
    /// </summary>
    private static int Quantise(float x, float scale, int min, int max)
    {
        if (float.IsNaN(x))
        {
            return 0;
        }

        var v = MathF.Round(Math.Clamp(x, -1f, 1f) * scale, MidpointRounding.ToEven);
        return (int)Math.Clamp(v, min, max);
    }
}
