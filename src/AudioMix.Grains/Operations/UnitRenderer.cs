using System.Text;
using System.Text.Json.Nodes;
using AudioMix.Audio;
using AudioMix.Audio.Dsp;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Jobs;
using AudioMix.Storage;

namespace AudioMix.Grains.Operations;

/// <summary>
/// The render plumbing every op shares, for one unit: item lookup, reading, resampling to the job's output rate, writing
/// the main WAV and assets under <see cref="JobKeys"/>, the provenance header and the <see cref="JobOutput"/> record.
/// </summary>
public sealed class UnitRenderer(BlobAudio audio, UnitContext context, PlannedUnit unit)
{
    /// <summary>The job, spec, parameters and items.</summary>
    public UnitContext Context => context;

    /// <summary>The unit's index.</summary>
    public int Index => unit.Index;

    /// <summary>The dataset item <paramref name="id"/> as the shard was given it.</summary>
    /// <exception cref="KeyNotFoundException">The item is not among the unit's items.</exception>
    public DatasetItem Item(string id) =>
        context.Items.TryGetValue(id, out var item) ? item : throw new KeyNotFoundException($"Item {id} is no longer in the dataset.");

    /// <summary>Reads an item's audio (through the silo's decoded-item cache; the buffer is the caller's own).</summary>
    public Task<AudioBuffer> ReadAsync(DatasetItem item, CancellationToken cancellationToken) =>
        audio.ReadItemAsync(item, cancellationToken);

    /// <summary>Reads audio from any blob (e.g. another job's stem); <paramref name="fileName"/> tells its format.</summary>
    public Task<AudioBuffer> ReadBlobAsync(string key, string fileName, CancellationToken cancellationToken) =>
        audio.ReadAsync(key, fileName, cancellationToken);

    /// <summary><paramref name="buffer"/> at the job's output rate (itself when the job keeps the natural rate, or it matches).</summary>
    public AudioBuffer ToOutputRate(AudioBuffer buffer) =>
        context.Spec.Output.SampleRate is { } rate && rate != buffer.SampleRate ? Resampler.Resample(buffer, rate) : buffer;

    /// <summary>Writes the unit's main WAV (<see cref="UnitContext.OutputKey"/>) and returns its key.</summary>
    public async Task<string> WriteMainAsync(AudioBuffer buffer, CancellationToken cancellationToken)
    {
        await audio.WriteWavAsync(context.OutputKey, buffer, context.SampleFormat, cancellationToken).ConfigureAwait(false);
        return context.OutputKey;
    }

    /// <summary>Writes an audio asset (<c>{unit}/{name}.wav</c>) and describes it.</summary>
    public async Task<OutputAsset> WriteAudioAssetAsync(
        string name, AudioBuffer buffer, CancellationToken cancellationToken, double? start = null, double? end = null, string? text = null)
    {
        var key = JobKeys.Asset(context.JobId, unit.Index, name, "wav");
        await audio.WriteWavAsync(key, buffer, context.SampleFormat, cancellationToken).ConfigureAwait(false);
        return new OutputAsset(name, key, "audio/wav", buffer.Duration, start, end, text);
    }

    /// <summary>Writes a JSON asset (<c>{unit}/{name}.json</c>) with <paramref name="json"/> as its exact content and describes it.</summary>
    public async Task<OutputAsset> WriteJsonAssetAsync(string name, string json, CancellationToken cancellationToken)
    {
        var key = JobKeys.Asset(context.JobId, unit.Index, name, "json");
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await audio.Store.WriteAsync(key, content, new BlobWriteOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        return new OutputAsset(name, key, "application/json", 0);
    }

    /// <summary>The provenance every op starts with: <c>op</c>, <c>seed</c> (the job's, unless given) and <c>unit</c>.</summary>
    public JsonObject Provenance(long? seed = null)
    {
        var header = new JsonObject
        {
            ["op"] = unit.Op,
            ["seed"] = seed ?? context.Spec.Seed,
            ["unit"] = unit.Index,
        };
        if (context.Silo is { } silo)
        {
            // Where an output was rendered, not only how: a cluster's outputs say which silo made each.
            header["silo"] = silo;
        }

        return header;
    }

    /// <summary>
    /// The unit's output: <paramref name="key"/> and the shape of <paramref name="main"/>, the provenance, pending review;
    /// set labels, captions, assets and metrics with <c>with { … }</c>.
    /// </summary>
    public JobOutput Output(string key, AudioBuffer main, JsonObject provenance) => new(
        unit.Index, unit.Op, key, main.Duration, main.SampleRate, main.ChannelCount,
        Label: null, SoftLabels: null, Caption: null, Text: null, ProvenanceJson: provenance.ToJsonString(), Error: null, Review: ReviewState.Pending);
}
