namespace AudioMix.Music.Beats;

/// <summary>
/// Parameters of <see cref="BeatTracker"/>. The defaults follow librosa 0.11 <c>beat_track</c> (Ellis 2007 dynamic
/// programming on a log-mel spectral-flux onset envelope) except where a documented improvement is switched on.
/// </summary>
/// <param name="SampleRate">Analysis rate in Hz; input at another rate is resampled (librosa: 22050).</param>
/// <param name="FftSize">STFT length (librosa: 2048).</param>
/// <param name="HopLength">Frame hop in samples (librosa: 512 → 43.07 frames/s at 22050 Hz).</param>
/// <param name="MelBands">Slaney mel bands of the onset spectrogram (librosa: 128).</param>
/// <param name="TopDb">Dynamic range kept below the global maximum of the dB spectrogram (librosa: 80).</param>
/// <param name="StartBpm">Centre of the log-normal tempo prior (librosa: 120).</param>
/// <param name="StdBpm">Standard deviation of the tempo prior in octaves (librosa: 1.0).</param>
/// <param name="AutocorrelationSeconds">Tempogram window in seconds (librosa <c>ac_size</c>: 8).</param>
/// <param name="MaxTempo">Tempi at or above this are excluded (librosa: 320).</param>
/// <param name="PreferredMinBpm">
/// Octave handling: a tempo below this is doubled when the autocorrelation supports the double tempo (§2.2 of the
/// research spec: the preferred pairing range is [70, 180) BPM).
/// </param>
/// <param name="PreferredMaxBpm">Octave handling: a tempo at or above this is halved when the half tempo is supported.</param>
/// <param name="CombHarmonics">
/// Number of beat-period multiples summed by the comb-filter tempo salience (Davies &amp; Plumbley 2007 use 4);
/// 1 reproduces librosa's single-lag tempogram score.
/// </param>
/// <param name="KickTempoOctave">
/// Double a beat sequence whose kick/bass or accent onsets are as strong halfway between the beats as on them (the
/// metrical-salience octave check of <c>MetricalTests.DoubleTempo</c>), when the double stays below
/// <paramref name="PreferredMaxBpm"/>.
/// </param>
/// <param name="Tightness">Weight of the log-interval transition penalty of the DP (librosa: 100).</param>
/// <param name="Trim">Drop weak leading/trailing beats (librosa <c>trim=True</c>).</param>
/// <param name="LibrosaOnsetAlignment">
/// Reproduce librosa's onset-envelope padding of <c>lag + n_fft/(2·hop)</c> frames (3 frames), which places onsets
/// about two frames (≈46 ms) late on centred spectrograms. Off by default: the flux between frames t−1 and t is put
/// at frame t.
/// </param>
/// <param name="LibrosaTrimThreshold">
/// Use librosa 0.11's trim threshold exactly: hann(5) with unit peak, so the threshold is about the mean beat strength
/// and average-strength edge beats are dropped. Off by default: the trim window is normalised to unit sum (the
/// threshold is half the RMS beat strength).
/// </param>
/// <param name="RefineBeats">Move each beat to the parabolic-interpolated peak of the local score (sub-frame timing).</param>
/// <param name="LowBandMaxHz">Upper edge of the low (kick/bass) band used for downbeat estimation.</param>
/// <param name="HarmonicMaxHz">
/// Upper edge of the STFT bins folded into the chroma whose change marks downbeats (from 60 Hz; above ≈2 kHz chroma
/// is dominated by harmonics and percussion).
/// </param>
/// <param name="TripleMeterT">
/// 3/4 is chosen only if beat spectra correlate with the beat three later better than with the beat four later with a
/// one-sided paired t statistic above this (2 ≈ 97.5 % significance for the usual number of beats); otherwise 4/4.
/// </param>
public sealed record BeatTrackerOptions(
    int SampleRate = 22050,
    int FftSize = 2048,
    int HopLength = 512,
    int MelBands = 128,
    double TopDb = 80.0,
    double StartBpm = 120.0,
    double StdBpm = 1.0,
    double AutocorrelationSeconds = 8.0,
    double MaxTempo = 320.0,
    double PreferredMinBpm = 70.0,
    double PreferredMaxBpm = 200.0,
    int CombHarmonics = 4,
    bool KickTempoOctave = true,
    double Tightness = 100.0,
    bool Trim = true,
    bool LibrosaOnsetAlignment = false,
    bool LibrosaTrimThreshold = false,
    bool RefineBeats = true,
    double LowBandMaxHz = 150.0,
    double HarmonicMaxHz = 2000.0,
    double TripleMeterT = 2.0)
{
    /// <summary>
    /// The librosa 0.11 <c>beat_track</c> configuration (parity reference): single-lag tempogram, no octave steps, librosa's
    /// onset padding and trim threshold, frame-quantised beats.
    /// </summary>
    public static BeatTrackerOptions Librosa { get; } = new()
    {
        CombHarmonics = 1,
        KickTempoOctave = false,
        PreferredMinBpm = 1e-3,
        PreferredMaxBpm = 1e6,
        LibrosaOnsetAlignment = true,
        LibrosaTrimThreshold = true,
        RefineBeats = false,
    };

    /// <summary>Onset-envelope frame rate in frames per second.</summary>
    public double FrameRate => (double)SampleRate / HopLength;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleRate, 4000);
        ArgumentOutOfRangeException.ThrowIfLessThan(FftSize, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HopLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HopLength, FftSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MelBands, 8);
        Positive(TopDb, nameof(TopDb));
        Positive(StartBpm, nameof(StartBpm));
        Positive(StdBpm, nameof(StdBpm));
        Positive(AutocorrelationSeconds, nameof(AutocorrelationSeconds));
        Positive(MaxTempo, nameof(MaxTempo));
        Positive(PreferredMinBpm, nameof(PreferredMinBpm));
        Positive(Tightness, nameof(Tightness));
        ArgumentOutOfRangeException.ThrowIfLessThan(CombHarmonics, 1);
        Positive(LowBandMaxHz, nameof(LowBandMaxHz));
        Positive(HarmonicMaxHz, nameof(HarmonicMaxHz));
        Positive(TripleMeterT, nameof(TripleMeterT));
        if (!(PreferredMaxBpm > 2 * PreferredMinBpm))
        {
            throw new ArgumentOutOfRangeException(
                nameof(PreferredMaxBpm), PreferredMaxBpm,
                $"The preferred tempo range must span more than an octave (PreferredMaxBpm > 2 × PreferredMinBpm = {2 * PreferredMinBpm}).");
        }

        if (LowBandMaxHz >= SampleRate / 2.0 || HarmonicMaxHz > SampleRate / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(HarmonicMaxHz), "Band edges must lie below the Nyquist frequency.");
        }
    }

    private static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite value > 0.");
        }
    }
}
