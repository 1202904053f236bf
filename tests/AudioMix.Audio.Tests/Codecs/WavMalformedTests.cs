using System.Buffers.Binary;
using System.Text;
using AudioMix.Audio.Codecs;
using static AudioMix.Audio.Tests.Codecs.WavBytes;

namespace AudioMix.Audio.Tests.Codecs;

/// <summary>Corrupt, truncated and non-audio input must fail with <see cref="AudioFormatException"/> naming the problem.</summary>
public sealed class WavMalformedTests
{
    private static readonly Dictionary<string, (Func<byte[]> Bytes, string Expected)> Cases = new()
    {
        ["empty file"] = (() => [], "empty file"),
        ["random bytes"] = (() => RandomBytes(500, 1), "not a RIFF/WAVE file"),
        ["text file"] = (() => Encoding.UTF8.GetBytes("This is a README, not audio.\nSecond line.\n"), "not a RIFF/WAVE file"),
        ["RIFF but AVI"] = (() => Riff([new Chunk("avih", new byte[56])], form: "AVI "), "RIFF form type is 'AVI '"),
        ["big-endian RIFX"] = (() => Riff([Fmt(1, 1, 8000, 16), Data(Pcm16(1))], riffId: "RIFX"), "RIFX"),
        ["only the RIFF tag"] = (() => "RIFF"u8.ToArray(), "too short for a RIFF/WAVE header"),
        ["no chunks at all"] = (() => Riff(), "fmt chunk missing"),
        ["fmt missing"] = (() => Riff(Data(Pcm16(1, 2, 3))), "fmt chunk missing"),
        ["data missing"] = (() => Riff(Fmt(1, 1, 8000, 16), new Chunk("LIST", new byte[6])), "data chunk missing"),
        ["stray bytes instead of data header"] = (() => [.. Riff(Fmt(1, 1, 8000, 16)), 1, 2, 3], "data chunk missing"),
        ["fmt too short"] = (() => Riff(new Chunk("fmt ", new byte[14]), Data(Pcm16(1))), "fmt chunk too short (14 bytes"),
        ["fmt body cut off"] = (() => Riff(new Chunk("fmt ", new byte[10], DeclaredSize: 16)), "'fmt' chunk truncated"),
        ["zero channels"] = (() => Riff(Fmt(1, 0, 8000, 16, blockAlign: 2), Data(Pcm16(1))), "0 channels"),
        ["too many channels"] = (() => Riff(Fmt(1, 100, 8000, 16), Data(new byte[200])), "100 channels"),
        ["sample rate 0"] = (() => Riff(Fmt(1, 1, 0, 16), Data(Pcm16(1))), "sample rate 0"),
        ["implausible sample rate"] = (() => Riff(Fmt(1, 1, -1, 16), Data(Pcm16(1))), "implausible sample rate 4294967295"),
        ["12-bit PCM"] = (() => Riff(Fmt(1, 1, 8000, 12, blockAlign: 2), Data(Pcm16(1))), "unsupported bits per sample 12 for PCM"),
        ["0-bit PCM"] = (() => Riff(Fmt(1, 1, 8000, 0, blockAlign: 0), Data([])), "unsupported bits per sample 0"),
        ["16-bit float"] = (() => Riff(Fmt(3, 1, 8000, 16), Data(Pcm16(1))), "unsupported bits per sample 16 for IEEE float"),
        ["MP3 in WAV"] = (() => Riff(Fmt(0x55, 2, 44100, 0, blockAlign: 1), Data(new byte[10])), "unsupported format tag 0x0055 (MP3 in WAV)"),
        ["ADPCM in WAV"] = (() => Riff(Fmt(2, 1, 8000, 4, blockAlign: 256), Data(new byte[256])), "unsupported format tag 0x0002"),
        ["format tag 0"] = (() => Riff(Fmt(0, 1, 8000, 16), Data(Pcm16(1))), "unsupported format tag 0x0000"),
        ["block align mismatch"] = (() => Riff(Fmt(1, 2, 8000, 16, blockAlign: 3), Data(new byte[6])), "block align 3 does not match channels*bits/8"),
        ["extensible with unknown GUID"] = (() => Riff(FmtExtensible(2, 48000, 16, 16, 1, guidTail: [1, 7, 0x21, 7, 0xd3, 0x11, 0x86, 0x44, 0xc8, 0xc1, 0xca, 0, 0, 0]), Data(new byte[4])), "sub-format GUID"),
        ["extensible with MP3 sub-format"] = (() => Riff(FmtExtensible(2, 48000, 16, 16, 0x55), Data(new byte[4])), "unsupported format tag 0x0055 (MP3 in WAV) in WAVE_FORMAT_EXTENSIBLE"),
        ["extensible fmt of 18 bytes"] = (() => Riff(Fmt(0xFFFE, 2, 48000, 16, extraBytes: 2), Data(new byte[4])), "WAVE_FORMAT_EXTENSIBLE fmt chunk too short"),
        ["extensible with cbSize 0"] = (() => Riff(FmtExtensible(2, 48000, 16, 16, 1, cbSize: 0), Data(new byte[4])), "cbSize"),
        ["valid bits above container"] = (() => Riff(FmtExtensible(1, 48000, 16, 24, 1), Data(new byte[4])), "valid bits per sample 24 exceed"),
        ["data longer than file"] = (() => Riff(Fmt(1, 1, 8000, 16), Data(Pcm16(1, 2, 3), declared: 1000)), "data chunk truncated: header says 1000 bytes"),
        ["huge data size"] = (() => Riff(Fmt(1, 1, 8000, 16), Data(Pcm16(1, 2, 3), declared: 0xFFFFFFF0)), "data chunk truncated: header says 4294967280 bytes"),
        ["huge LIST before fmt"] = (() => Riff(new Chunk("LIST", new byte[4], DeclaredSize: 0x7FFFFFF0), Fmt(1, 1, 8000, 16), Data(Pcm16(1))), "'LIST' chunk truncated: header says 2147483632 bytes"),
        ["partial final frame"] = (() => Riff(Fmt(1, 2, 8000, 16), Data(new byte[6])), "not a multiple of the block align 4"),
        ["streamed data ending inside a frame"] = (() => Riff(Fmt(1, 2, 8000, 16), Data(new byte[6], declared: 0xFFFFFFFF)), "ends inside a frame"),
        ["RF64 without ds64"] = (() => Riff([Fmt(1, 1, 8000, 16), Data(Pcm16(1), 0xFFFFFFFF)], riffId: "RF64", riffSize: 0xFFFFFFFF), "ds64 chunk is missing"),
        ["RF64 with short ds64"] = (() => Riff([new Chunk("ds64", new byte[8]), Fmt(1, 1, 8000, 16), Data(Pcm16(1))], riffId: "RF64"), "ds64 chunk too short"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static void ReadWhole(byte[] bytes, bool seekable)
    {
        Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes), maxChunk: 5);
        using var reader = new WavReader(s, "case.wav");
        _ = reader.ReadToEnd();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Malformed_input_raises_AudioFormatException_naming_the_problem(string name)
    {
        var (bytes, expected) = Cases[name];
        foreach (var seekable in new[] { true, false })
        {
            var ex = Assert.Throws<AudioFormatException>(() => ReadWhole(bytes(), seekable));
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
            Assert.StartsWith("case.wav: ", ex.Message, StringComparison.Ordinal);
            Assert.Equal("case.wav", ex.SourceName);
        }
    }

    [Fact]
    public void There_are_at_least_twenty_distinct_malformed_cases() => Assert.True(Cases.Count >= 20, $"{Cases.Count} cases");

    [Fact]
    public void Truncation_at_every_byte_offset_is_reported()
    {
        var valid = SmallValid(frames: 12);
        ReadWhole(valid, seekable: true); // the intact file reads
        var dataHeaderEnd = valid.Length - (12 * 4);
        for (var len = 0; len < valid.Length; len++)
        {
            var cut = valid[..len];
            foreach (var seekable in new[] { true, false })
            {
                var ex = Assert.Throws<AudioFormatException>(() => ReadWhole(cut, seekable));
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                if (len >= dataHeaderEnd)
                {
                    // Even a cut on a frame boundary is truncation: the data header promises more.
                    Assert.Contains("data chunk truncated", ex.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Random_byte_flips_give_either_audio_or_AudioFormatException()
    {
        var valid = Riff(
            new Chunk("JUNK", new byte[9]),
            Fmt(1, 2, 8000, 16),
            new Chunk("LIST", Encoding.ASCII.GetBytes("INFOIART")),
            Data(Pcm16(Enumerable.Range(0, 64).Select(i => (short)(i * 511)).ToArray())),
            new Chunk("cue ", new byte[4]));
        var rng = new Random(20261123);
        int ok = 0, rejected = 0;
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var bytes = (byte[])valid.Clone();
            switch (rng.Next(4))
            {
                case 0: // a few random bytes in the header region
                    for (var k = rng.Next(1, 4); k > 0; k--)
                    {
                        bytes[rng.Next(Math.Min(bytes.Length, 80))] = (byte)rng.Next(256);
                    }

                    break;
                case 1: // single bit flips anywhere
                    for (var k = rng.Next(1, 6); k > 0; k--)
                    {
                        bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                case 2: // a random 32-bit value over a random aligned field (sizes, rates)
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(rng.Next(bytes.Length / 4) * 4), (uint)rng.NextInt64(0, 1L << 32));
                    break;
                default: // flips and a random cut
                    bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);
                    bytes = bytes[..rng.Next(bytes.Length)];
                    break;
            }

            foreach (var seekable in new[] { true, false })
            {
                try
                {
                    Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(new MemoryStream(bytes), maxChunk: 13);
                    using var reader = new WavReader(s);
                    var buffer = reader.ReadToEnd();
                    Assert.Equal(reader.Info.Channels, buffer.ChannelCount);
                    if (reader.Info.Frames >= 0)
                    {
                        Assert.Equal(reader.Info.Frames, buffer.Frames);
                    }

                    ok++;
                }
                catch (AudioFormatException ex)
                {
                    Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                    rejected++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"iteration {iteration} (seekable={seekable}): {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(bytes)}");
                }
            }
        }

        // Both outcomes must actually occur, or the mutations are not exercising anything.
        Assert.True(ok > 500 && rejected > 500, $"ok={ok} rejected={rejected}");
    }

    [Fact]
    public void Files_on_disk_name_the_file_in_the_error()
    {
        using var dir = new TempDir();
        var empty = dir.File("empty.wav");
        File.WriteAllBytes(empty, []);
        var ex = Assert.Throws<AudioFormatException>(() => AudioFile.Read(empty));
        Assert.Contains(empty, ex.Message, StringComparison.Ordinal);
        Assert.Contains("empty file", ex.Message, StringComparison.Ordinal);

        var cut = dir.File("cut.wav");
        var valid = SmallValid(frames: 100);
        File.WriteAllBytes(cut, valid[..(valid.Length - 3)]);
        ex = Assert.Throws<AudioFormatException>(() => AudioFile.Read(cut));
        Assert.Contains($"{cut}: data chunk truncated: header says 400 bytes, file has 397", ex.Message, StringComparison.Ordinal);
        Assert.Throws<AudioFormatException>(() => AudioFile.Probe(cut));

        // "RIFF" and nothing else is a truncated WAV, not something to hand to ffmpeg.
        var stub = dir.File("stub.bin");
        File.WriteAllBytes(stub, "RIFF\0\0"u8.ToArray());
        ex = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(stub));
        Assert.Contains("too short", ex.Message, StringComparison.Ordinal);
    }
}
