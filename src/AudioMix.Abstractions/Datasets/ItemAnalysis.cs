namespace AudioMix.Abstractions.Datasets;

/// <summary>What decoding an audio file once tells us; cached per content hash.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.ItemAnalysis")]
public sealed record ItemAnalysis(
    string ContentHash,
    string Format,
    double Duration,
    int SampleRate,
    int Channels,
    long Frames,
    double? IntegratedLufs,
    double? SamplePeakDbfs);

/// <summary>An analysis, or why the bytes are not usable audio.</summary>
[GenerateSerializer, Immutable, Alias("AudioMix.AnalysisOutcome")]
public sealed record AnalysisOutcome(ItemAnalysis? Analysis, string? Error);

/// <summary>
/// The analysis of one piece of content, keyed by its SHA-256: computed once, reused by every
/// dataset and job that holds the same bytes.
/// </summary>
[Alias("AudioMix.IAudioAnalysisGrain")]
public interface IAudioAnalysisGrain : IGrainWithStringKey
{
    /// <summary>Returns the cached analysis, or decodes the blob at <paramref name="blobKey"/> (whose bytes hash to this grain's key).</summary>
    [Alias("GetOrAnalyze")]
    Task<AnalysisOutcome> GetOrAnalyzeAsync(string blobKey, string fileName);
}
