namespace AudioMix.Abstractions.Datasets;

/// <summary>What a dataset holds; it decides which augmentations make sense.</summary>
[GenerateSerializer]
public enum DatasetKind
{
    /// <summary>Music (songs, stems, loops).</summary>
    Music,

    /// <summary>Speech (ASR corpora, voices).</summary>
    Speech,

    /// <summary>General sound (events, scenes, captioned clips).</summary>
    Sound,
}
