namespace AudioMix.Audio.Codecs;

/// <summary>What a probe or reader learned about an audio stream.</summary>
/// <param name="Container">The file container, e.g. "wav", "mp3", "flac", "ogg", "m4a".</param>
/// <param name="Codec">The codec, e.g. "pcm_s16le", "pcm_f32le", "mp3", "flac", "opus", "aac".</param>
/// <param name="SampleRate">Samples per second per channel.</param>
/// <param name="Channels">Number of channels.</param>
/// <param name="Frames">
/// Number of sample frames. Exact for WAV with a finalised header; for compressed formats it is derived
/// from the container's duration (duration × rate) and may differ from the decoded count by an encoder
/// delay/padding of a few hundred frames; -1 when unknown (a streamed WAV whose header carries no size).
/// </param>
/// <param name="BitsPerSample">Bits per sample of the stored data (valid bits for WAVE_FORMAT_EXTENSIBLE); 0 for lossy codecs that have none.</param>
public sealed record AudioStreamInfo(string Container, string Codec, int SampleRate, int Channels, long Frames, int BitsPerSample)
{
    /// <summary>Duration in seconds (<see cref="Frames"/> / <see cref="SampleRate"/>); negative when the frame count is unknown.</summary>
    public double Duration => SampleRate > 0 ? (double)Frames / SampleRate : 0;
}
