using System.Security.Cryptography;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Storage;

namespace AudioMix.Grains.Tests.Infrastructure;

/// <summary>Generated audio and datasets for grain tests (nothing read from disk fixtures).</summary>
public static class TestData
{
    public static string NewKey(string hint) => $"{hint}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>A sine at <paramref name="frequency"/> Hz plus seeded noise, so every clip's bytes differ.</summary>
    public static AudioBuffer Tone(double frequency, int rate, int channels, double seconds, int seed, float amplitude = 0.3f)
    {
        var frames = (int)Math.Round(seconds * rate);
        var random = new Random(seed);
        var data = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                data[c][i] = amplitude * MathF.Sin((float)(2 * Math.PI * frequency * i / rate)) + 0.01f * (float)(random.NextDouble() - 0.5);
            }
        }

        return new AudioBuffer(rate, data);
    }

    public static byte[] Wav(AudioBuffer audio, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        using var memory = new MemoryStream();
        using (var writer = new WavWriter(memory, audio.SampleRate, audio.ChannelCount, format, leaveOpen: true))
        {
            writer.Write(audio);
        }

        return memory.ToArray();
    }

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Creates a dataset of <paramref name="count"/> generated clips (labels cycle through <paramref name="labels"/>),
    /// each written with <see cref="BlobAudio"/> into the store and added as an item.
    /// </summary>
    public static async Task<IReadOnlyList<DatasetItem>> CreateDatasetAsync(
        IClusterClient client, IBlobStore store, string datasetId, int count, double seconds = 0.25, int rate = 16000, int channels = 1,
        string[]? labels = null, Func<int, AudioBuffer>? clips = null, string[]? captions = null)
    {
        labels ??= ["dog", "cat", "bird"];
        await client.GetGrain<IDatasetGrain>(datasetId).CreateAsync("test " + datasetId, DatasetKind.Sound);
        var audio = new BlobAudio(store);
        var items = new List<DatasetItem>();
        for (var i = 0; i < count; i++)
        {
            var clip = clips?.Invoke(i) ?? Tone(220 * (i + 1), rate, channels, seconds + 0.01 * i, seed: i);
            var key = $"datasets/{datasetId}/items/{i:D4}.wav";
            await audio.WriteWavAsync(key, clip, WavSampleFormat.Pcm16, CancellationToken.None);
            byte[] bytes;
            await using (var read = await store.OpenReadAsync(key))
            using (var copy = new MemoryStream())
            {
                await read.CopyToAsync(copy);
                bytes = copy.ToArray();
            }

            items.Add(new DatasetItem(
                $"item{i:D4}", $"clip{i}.wav", key, Sha256Hex(bytes), "wav/pcm_s16le", bytes.Length, clip.Duration, clip.SampleRate, clip.ChannelCount,
                null, null, [labels[i % labels.Length]], captions?[i % captions.Length], null));
        }

        await client.GetGrain<IDatasetGrain>(datasetId).AddItemsAsync(items);
        return items;
    }

    public static JobSpec Mixup(string datasetId, long seed, string parametersJson) =>
        new(datasetId, seed, [new OperationSpec("mixup", parametersJson)], new OutputSpec());

    /// <summary>Polls until the job is finished (or the timeout), recording every state seen.</summary>
    public static async Task<(JobStatus Status, List<JobState> Seen)> WaitAsync(IClusterClient client, string jobId, TimeSpan? timeout = null)
    {
        var seen = new List<JobState>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await client.GetGrain<IJobGrain>(jobId).GetStatusAsync() ?? throw new InvalidOperationException($"Job {jobId} is unknown.");
            if (seen.Count == 0 || seen[^1] != status.State)
            {
                seen.Add(status.State);
            }

            if (status.IsFinished)
            {
                return (status, seen);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} still {status.State} ({status.Completed}/{status.Total}) after the timeout.");
            }

            await Task.Delay(25);
        }
    }

    public static async Task<byte[]> ReadAllAsync(IBlobStore store, string key)
    {
        await using var read = await store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        return copy.ToArray();
    }

    public static async Task<List<string>> ListKeysAsync(IBlobStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var blob in store.ListAsync(prefix))
        {
            keys.Add(blob.Key);
        }

        return keys;
    }
}
