using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.Storage;

namespace AudioMix.Grains.Audio;

/// <summary>Reads and writes audio held in blob storage (audio travels between grains as keys, never samples).</summary>
/// <param name="store">Where the audio lives.</param>
/// <param name="items">The silo's cache of decoded items, if any.</param>
/// <param name="limits">Decoder timeout and longest audio accepted (<c>AudioMix:Decoding</c>); <see cref="DecodeLimits.Default"/> when null.</param>
public sealed class BlobAudio(IBlobStore store, DecodedAudioCache? items = null, DecodeLimits? limits = null)
{
    private readonly DecodeLimits _limits = limits ?? DecodeLimits.Default;

    private static readonly byte[] Riff = "RIFF"u8.ToArray();
    private static readonly byte[] Rf64 = "RF64"u8.ToArray();

    /// <summary>The store behind this reader.</summary>
    public IBlobStore Store => store;

    /// <summary>
    /// Decodes a whole blob. WAV decodes straight from the blob stream; other formats go through
    /// ffmpeg, which needs a file, so they are copied to a temporary file first.
    /// </summary>
    public async Task<AudioBuffer> ReadAsync(string key, string? fileName, CancellationToken cancellationToken)
    {
        using var opened = await OpenAsync(key, fileName, cancellationToken).ConfigureAwait(false);
        var reader = opened.Reader;
        var blocks = AudioBlocks.Read(reader, AudioBlocks.DefaultBlockFrames, cancellationToken).ToList();
        var frames = blocks.Sum(b => (long)b.Frames);
        if (frames > int.MaxValue)
        {
            throw new AudioFormatException(fileName ?? key, "the file is too long to process in one piece");
        }

        var result = AudioBuffer.Silence(reader.Info.SampleRate, reader.Info.Channels, (int)frames);
        var offset = 0;
        foreach (var block in blocks)
        {
            for (var c = 0; c < block.ChannelCount; c++)
            {
                block.Channels[c].CopyTo(result.Channels[c], offset);
            }

            offset += block.Frames;
        }

        return result;
    }

    /// <summary>
    /// Decodes a dataset item, from the silo's <see cref="DecodedAudioCache"/> when it holds it (the caller gets its own
    /// copy either way).
    /// </summary>
    public async Task<AudioBuffer> ReadItemAsync(DatasetItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var key = items is null ? null : DecodedAudioCache.KeyOf(item);
        if (key is not null && items!.TryGet(key) is { } cached)
        {
            return cached;
        }

        var audio = await ReadAsync(item.BlobKey, item.FileName, cancellationToken).ConfigureAwait(false);
        if (key is not null)
        {
            items!.Add(key, audio);
        }

        return audio;
    }

    /// <summary>Inspects a blob: format, exact length, loudness and peak, streamed.</summary>
    public async Task<AudioFileReport> InspectAsync(string key, string? fileName, CancellationToken cancellationToken)
    {
        using var opened = await OpenAsync(key, fileName, cancellationToken).ConfigureAwait(false);
        try
        {
            return AudioInspector.Inspect(opened.Reader, fileName ?? key, cancellationToken);
        }
        catch (AudioFormatException ex) when (opened.TempFile is { } temp)
        {
            throw Renamed(ex, temp, fileName ?? key);
        }
    }

    /// <summary>Writes <paramref name="audio"/> as a WAV blob (replacing any previous version).</summary>
    public async Task<BlobProperties> WriteWavAsync(string key, AudioBuffer audio, WavSampleFormat format, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        using (var writer = new WavWriter(memory, audio.SampleRate, audio.ChannelCount, format, leaveOpen: true))
        {
            writer.Write(audio);
        }

        memory.Position = 0;
        return await store.WriteAsync(key, memory, new BlobWriteOptions { ContentType = "audio/wav" }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OpenedAudio> OpenAsync(string key, string? fileName, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            var head = new byte[4];
            var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            if (read == 4 && (head.AsSpan().SequenceEqual(Riff) || head.AsSpan().SequenceEqual(Rf64)))
            {
                var wav = new WavReader(stream, fileName ?? key);
                _limits.CheckDuration(fileName ?? key, wav.Info);
                return new OpenedAudio(wav, null);
            }

            var temp = Path.Combine(Path.GetTempPath(), $"audiomix-{Guid.NewGuid():N}{SafeExtension(fileName)}");
            await using (var file = File.Create(temp))
            {
                await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            try
            {
                return new OpenedAudio(AudioFile.OpenRead(temp, _limits), temp);
            }
            catch (AudioFormatException ex)
            {
                File.Delete(temp);
                throw Renamed(ex, temp, fileName ?? key);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The temporary copy is an implementation detail: an error about it names the file the user knows.</summary>
    private static AudioFormatException Renamed(AudioFormatException ex, string temp, string name)
    {
        var message = ex.Message.Replace(temp + ": ", string.Empty, StringComparison.Ordinal).Replace(temp, name, StringComparison.Ordinal);
        return ex.InnerException is TimeoutException timeout ? new AudioFormatException($"{name}: {message}", timeout) : new AudioFormatException(name, message);
    }

    private static string SafeExtension(string? fileName)
    {
        var ext = Path.GetExtension(fileName ?? string.Empty);
        return ext.Length is > 1 and <= 6 && ext[1..].All(char.IsAsciiLetterOrDigit) ? ext : ".bin";
    }

    private sealed class OpenedAudio(IAudioStreamReader reader, string? tempFile) : IDisposable
    {
        public IAudioStreamReader Reader { get; } = reader;

        public string? TempFile => tempFile;

        public void Dispose()
        {
            Reader.Dispose();
            if (tempFile is not null)
            {
                File.Delete(tempFile);
            }
        }
    }
}
