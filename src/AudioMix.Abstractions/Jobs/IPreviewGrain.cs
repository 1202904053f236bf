namespace AudioMix.Abstractions.Jobs;

/// <summary>
/// Renders waveform + log-mel spectrogram previews (PNG) of job outputs and dataset items, with the op's overlays, and
/// caches them in blob storage by the audio's content hash. A stateless worker: any silo renders, bounded by its
/// compute limiter. Each call answers the blob key of the PNG, or null when the output or item does not exist.
/// </summary>
[Alias("AudioMix.IPreviewGrain")]
public interface IPreviewGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The preview of output <paramref name="index"/> of job <paramref name="jobId"/>, <paramref name="width"/> pixels wide
    /// (clamped), with its op's overlay unless <paramref name="overlay"/> is false (the plain picture, to compare).
    /// </summary>
    [Alias("Output")]
    Task<string?> OutputSpectrogramAsync(string jobId, int index, int width, bool overlay);

    /// <summary>The preview of item <paramref name="itemId"/> of dataset <paramref name="datasetId"/>.</summary>
    [Alias("Item")]
    Task<string?> ItemSpectrogramAsync(string datasetId, string itemId, int width);
}
