namespace AudioMix.Abstractions.Datasets;

/// <summary>One audio file of a dataset, its measured properties and its annotations.</summary>
/// <param name="ItemId">Stable id within the dataset.</param>
/// <param name="FileName">The name it was uploaded under (relative path inside an archive).</param>
/// <param name="BlobKey">Where the original bytes live in blob storage.</param>
/// <param name="ContentHash">SHA-256 of the bytes (hex); analyses are cached by it.</param>
/// <param name="Format">Container and codec, e.g. "wav/pcm_s16le".</param>
/// <param name="SizeBytes">Size of the stored file.</param>
/// <param name="Duration">Seconds.</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="Channels">Channel count.</param>
/// <param name="IntegratedLufs">BS.1770-4 integrated loudness; null for silence.</param>
/// <param name="SamplePeakDbfs">Sample peak; null for digital silence.</param>
/// <param name="Labels">Class labels (classification datasets).</param>
/// <param name="Caption">Caption (captioning datasets).</param>
/// <param name="Text">Transcript (ASR datasets).</param>
/// <param name="Metadata">
/// Every other field of the item's audiofolder metadata row, by name, as JSON text (a string field is a JSON
/// string, so <c>"group": "s1"</c> is stored as <c>"\"s1\""</c>). Ops read what they understand: timed
/// transcripts (<c>segments</c>), reference/estimate roles for scoring, and so on.
/// </param>
[GenerateSerializer, Immutable, Alias("AudioMix.DatasetItem")]
public sealed record DatasetItem(
    string ItemId,
    string FileName,
    string BlobKey,
    string ContentHash,
    string Format,
    long SizeBytes,
    double Duration,
    int SampleRate,
    int Channels,
    double? IntegratedLufs,
    double? SamplePeakDbfs,
    IReadOnlyList<string> Labels,
    string? Caption,
    string? Text,
    IReadOnlyDictionary<string, string>? Metadata = null);
