namespace AudioMix.Audio.Torch;

/// <summary>The Hz↔mel mapping used to place mel filter centres.</summary>
public enum MelScale
{
    /// <summary>
    /// HTK formula (Young et al., <i>The HTK Book</i>): <c>mel = 2595·log10(1 + f/700)</c>.
    /// Matches <c>librosa</c> with <c>htk=True</c> and <c>torchaudio</c> with <c>mel_scale="htk"</c>.
    /// </summary>
    Htk,

    /// <summary>
    /// Slaney's Auditory Toolbox formula (Slaney 1998, Technical Report #1998-010): linear below 1 kHz
    /// at 200/3 Hz per mel, logarithmic above with a step of ln(6.4)/27 per mel. The librosa default.
    /// </summary>
    Slaney,
}

/// <summary>How each mel filter is scaled.</summary>
public enum MelNorm
{
    /// <summary>Triangles peak at 1.0.</summary>
    None,

    /// <summary>
    /// Area normalisation (librosa <c>norm='slaney'</c>): each triangle is multiplied by
    /// <c>2 / (f_right − f_left)</c>, so filters have roughly constant energy per channel.
    /// </summary>
    Slaney,
}
