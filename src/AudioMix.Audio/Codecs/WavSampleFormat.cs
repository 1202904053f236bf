namespace AudioMix.Audio.Codecs;

/// <summary>Sample encodings a WAV file can carry that AudioMix reads and writes natively.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Float32/Float64 name the sample encodings, as audio tools conventionally do.")]
public enum WavSampleFormat
{
    /// <summary>8-bit unsigned integer PCM (offset binary: 128 is silence), as the WAV format defines it.</summary>
    Pcm8,

    /// <summary>16-bit signed little-endian integer PCM.</summary>
    Pcm16,

    /// <summary>24-bit signed little-endian integer PCM (packed, 3 bytes per sample).</summary>
    Pcm24,

    /// <summary>32-bit signed little-endian integer PCM.</summary>
    Pcm32,

    /// <summary>32-bit IEEE 754 float (WAVE_FORMAT_IEEE_FLOAT).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 float (WAVE_FORMAT_IEEE_FLOAT).</summary>
    Float64,
}
