using AudioMix.Audio.Torch;
using TorchSharp;

namespace AudioMix.Music.Beats;

/// <summary>Frame-level features of one signal, all at the onset frame rate.</summary>
/// <param name="Onset">Median-over-bands positive log-mel flux (librosa <c>onset_strength(aggregate=np.median)</c>).</param>
/// <param name="LowOnset">Mean positive log-mel flux over the bands below <see cref="BeatTrackerOptions.LowBandMaxHz"/>.</param>
/// <param name="Autocorrelation">Mean of the per-frame ∞-normalised windowed autocorrelations (librosa tempogram), lags 0..W−1.</param>
/// <param name="MelDb">The full log-mel spectrogram in dB, [bands][frames] (for beat-synchronous bar repetition).</param>
/// <param name="Detections">
/// The onset detection functions the multi-feature decoder tracks separately (Zapata et al. 2014), each with its own
/// mean tempogram: the median log-mel flux (<paramref name="Onset"/>), the mean log-mel flux (all bands vote, so sparse
/// chord and melody onsets count), the low-band flux (kick and bass, <paramref name="LowOnset"/>), the high-band flux
/// (hi-hats, snare noise: a high-frequency-content detector, Masri 1996) and the energy flux (positive difference of the
/// log of the total power, Essentia's 'rms' ODF).
/// </param>
/// <param name="Chroma">Pitch-class energy per frame, [12][frames], from STFT bins between 60 Hz and <see cref="BeatTrackerOptions.HarmonicMaxHz"/> (harmonic change for downbeats).</param>
internal sealed record OnsetFeatures(
    double[] Onset, double[] LowOnset, double[] Autocorrelation, float[][] MelDb,
    IReadOnlyList<DetectionFunction> Detections, float[][] Chroma)
{
    /// <summary>Mean positive log-mel flux over the bands from <see cref="OnsetFrontEnd.SnareBandMinHz"/> to <see cref="OnsetFrontEnd.HighBandMinHz"/> (snare drum; backbeat test).</summary>
    public double[] SnareOnset { get; init; } = [];
}

/// <summary>One onset detection function and its mean autocorrelation tempogram.</summary>
internal sealed record DetectionFunction(string Name, double[] Values, double[] Autocorrelation);

/// <summary>
/// The TorchSharp front end: STFT → Slaney mel power → dB (global top-dB clip) → positive first difference, plus the
/// librosa tempogram (Grosche et al. 2010 autocorrelation tempogram as implemented by librosa 0.11). Every tensor lives
/// in a dispose scope; the STFT window and the mel bank are owned by the instance.
/// </summary>
internal sealed class OnsetFrontEnd : IDisposable
{
    private readonly BeatTrackerOptions _options;
    private readonly Stft _stft;
    private readonly torch.Tensor _melBank;
    private readonly torch.Tensor _chromaBank;
    private readonly int _lowBands;
    private readonly int _highBandStart;
    private readonly int _snareBandStart;

    public OnsetFrontEnd(BeatTrackerOptions options)
    {
        _options = options;
        var bank = MelFilterbank.Create(options.SampleRate, options.FftSize, options.MelBands);
        _lowBands = Math.Max(1, CountBandsBelow(options.LowBandMaxHz, options.MelBands, options.SampleRate));
        _highBandStart = Math.Min(options.MelBands - 1, CountBandsBelow(HighBandMinHz, options.MelBands, options.SampleRate));
        _snareBandStart = Math.Min(_highBandStart - 1, CountBandsBelow(SnareBandMinHz, options.MelBands, options.SampleRate));

        // Centre padding is done here with zeros (librosa ≥ 0.10 pad_mode="constant"), so the STFT itself is uncentred.
        _stft = new Stft(new StftOptions(options.FftSize, options.HopLength, Center: false));
        try
        {
            using var scope = torch.NewDisposeScope();
            _melBank = torch.tensor(bank, torch.ScalarType.Float32).DetachFromDisposeScope();
            _chromaBank = torch.tensor(ChromaBank(options.SampleRate, options.FftSize, options.HarmonicMaxHz), torch.ScalarType.Float32).DetachFromDisposeScope();
        }
        catch
        {
            _melBank?.Dispose();
            _stft.Dispose();
            throw;
        }
    }

    /// <summary>Number of onset frames for <paramref name="samples"/> input samples (centred framing).</summary>
    public int FrameCount(int samples) => 1 + (samples / _options.HopLength);

    public OnsetFeatures Compute(float[] mono)
    {
        var o = _options;
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(mono, torch.ScalarType.Float32);
        var half = o.FftSize / 2;
        var padded = torch.nn.functional.pad(x, [half, half], PaddingModes.Constant, 0);
        var (mel, chromaPower) = MelPower(padded, FrameCount(mono.Length));   // [mels, T], [12, T]

        // power_to_db(ref=1, amin=1e-10, top_db): the clip is global over the whole spectrogram (librosa).
        var db = mel.AtLeast(1e-10).log10_().Times(10.0);
        db = torch.maximum(db, db.max().Plus(-o.TopDb));
        var frames = (int)db.shape[1];

        var onset = new double[frames];
        var low = new double[frames];
        var mean = new double[frames];
        var high = new double[frames];
        var energy = new double[frames];
        var snare = new double[frames];
        if (frames > 1)
        {
            var flux = (db[.., 1..] - db[.., ..^1]).AtLeast(0.0);       // [mels, T-1]
            // numpy's median averages the two middle values for an even band count.
            var sorted = flux.sort(0).Values;
            var bands = (int)sorted.shape[0];
            var median = bands % 2 == 1 ? sorted[bands / 2] : sorted[(bands / 2) - 1].Plus(sorted[bands / 2]).Times(0.5);
            var lowMean = flux[..(int)_lowBands].mean([0]);
            var shift = o.LibrosaOnsetAlignment ? 1 + (o.FftSize / (2 * o.HopLength)) : 1;
            Place(ToDoubles(median), onset, shift);
            Place(ToDoubles(lowMean), low, shift);
            Place(ToDoubles(flux.mean([0])), mean, shift);
            Place(ToDoubles(flux[_highBandStart..].mean([0])), high, shift);
            Place(ToDoubles(flux[_snareBandStart.._highBandStart].mean([0])), snare, shift);
            var totalDb = mel.sum([0]).AtLeast(1e-10).log10_().Times(10.0);
            Place(ToDoubles((totalDb[1..] - totalDb[..^1]).AtLeast(0.0)), energy, shift);
        }

        var dbFlat = ToFloats(db.contiguous());
        var melDb = new float[o.MelBands][];
        for (var b = 0; b < o.MelBands; b++)
        {
            melDb[b] = dbFlat.AsSpan(b * frames, frames).ToArray();
        }

        var chromaFlat = ToFloats(chromaPower.sqrt().contiguous());
        var chroma = new float[12][];
        for (var c = 0; c < 12; c++)
        {
            chroma[c] = chromaFlat.AsSpan(c * frames, frames).ToArray();
        }

        // librosa's own tempogram (stride 1) for the parity configuration; the committee stride otherwise.
        var ac = Tempogram(onset, o.LibrosaOnsetAlignment ? 1 : CommitteeTempogramStride);
        DetectionFunction[] detections =
        [
            new(MedianFlux, onset, ac),
            new("mean-flux", mean, Tempogram(mean, CommitteeTempogramStride)),
            new("high-flux", high, Tempogram(high, CommitteeTempogramStride)),
            new(EnergyFlux, energy, Tempogram(energy, CommitteeTempogramStride)),
        ];
        return new OnsetFeatures(onset, low, ac, melDb, detections, chroma) { SnareOnset = snare };
    }

    /// <summary>
    /// Mel power of the zero-padded signal, computed in blocks of <see cref="BlockFrames"/> STFT frames so the complex
    /// spectrogram of a long file never exists whole (an hour at 22050/512 would be ≈1.3 GB of complex64); only the
    /// [mels, frames] result is kept.
    /// </summary>
    private (torch.Tensor Mel, torch.Tensor Chroma) MelPower(torch.Tensor padded, int frames)
    {
        var o = _options;
        using var scope = torch.NewDisposeScope();
        var blocks = new List<torch.Tensor>();
        var chromaBlocks = new List<torch.Tensor>();
        for (var f0 = 0; f0 < frames; f0 += BlockFrames)
        {
            using var blockScope = torch.NewDisposeScope();
            var count = Math.Min(BlockFrames, frames - f0);
            var start = (long)f0 * o.HopLength;
            var length = ((long)(count - 1) * o.HopLength) + o.FftSize;
            var spec = _stft.Forward(padded.narrow(0, start, length));  // [bins, count]
            var power = spec.abs().Squared();
            blocks.Add(torch.matmul(_melBank, power).MoveToOuterDisposeScope());
            chromaBlocks.Add(torch.matmul(_chromaBank, power).MoveToOuterDisposeScope());
        }

        return (torch.cat(blocks, 1).MoveToOuterDisposeScope(), torch.cat(chromaBlocks, 1).MoveToOuterDisposeScope());
    }

    /// <summary>Frame stride of the ODFs' tempograms (the librosa parity configuration keeps librosa's stride 1).</summary>
    internal const int CommitteeTempogramStride = 8;

    /// <summary>Name of the median log-mel flux detection function (librosa's onset envelope).</summary>
    internal const string MedianFlux = "median-flux";

    /// <summary>Name of the energy-flux detection function.</summary>
    internal const string EnergyFlux = "energy-flux";

    /// <summary>
    /// Lower edge of the snare band (up to <see cref="HighBandMinHz"/>): the snare's noise burst dominates 1–4 kHz while
    /// the kick and bass stay below and the hi-hats above.
    /// </summary>
    internal const double SnareBandMinHz = 1000;

    /// <summary>Lower edge of the high band (hi-hat and snare noise) of the high-flux detection function.</summary>
    internal const double HighBandMinHz = 4000;

    /// <summary>
    /// Chroma filterbank [12, bins]: each STFT bin between 60 Hz and <paramref name="maxHz"/> goes to its nearest equal-tempered pitch class
    /// (A4 = 440 Hz) with a weight falling linearly to 0 at a quarter tone away (Bartsch &amp; Wakefield 2001 chroma).
    /// </summary>
    private static float[,] ChromaBank(int sampleRate, int fftSize, double maxHz)
    {
        var bins = (fftSize / 2) + 1;
        var bank = new float[12, bins];
        for (var k = 1; k < bins; k++)
        {
            var hz = (double)k * sampleRate / fftSize;
            if (hz < 60 || hz > maxHz)
            {
                continue;
            }

            var midi = 69 + (12 * Math.Log2(hz / 440));
            var nearest = Math.Round(midi);
            var weight = 1 - (2 * Math.Abs(midi - nearest));
            bank[(((int)nearest % 12) + 12) % 12, k] = (float)weight;
        }

        return bank;
    }

    /// <summary>STFT frames per block in <see cref="MelPower"/>.</summary>
    internal const int BlockFrames = 2048;

    /// <summary>
    /// librosa.feature.tempogram (center=True, window 'hann', norm=∞) averaged over frames: the onset envelope is padded
    /// by W/2 frames on both sides with a linear ramp to 0, framed with hop 1, Hann-weighted, autocorrelated (by FFT,
    /// zero-padded past 2W−1 so it is linear, not circular), and each frame is divided by its largest |value|.
    /// </summary>
    private double[] Tempogram(double[] onset, int stride = 1)
    {
        var w = (int)Math.Floor(_options.AutocorrelationSeconds * _options.FrameRate);
        w = Math.Max(w, 4);
        var t = onset.Length;
        var pad = w / 2;
        var padded = new double[t + (2 * pad)];
        var first = t > 0 ? onset[0] : 0;
        var last = t > 0 ? onset[^1] : 0;
        for (var i = 0; i < pad; i++)
        {
            // numpy pad mode 'linear_ramp' with end value 0: linspace(0, edge, pad, endpoint=False).
            padded[i] = first * i / pad;
            padded[padded.Length - 1 - i] = last * i / pad;
        }

        onset.CopyTo(padded, pad);

        using var scope = torch.NewDisposeScope();
        var env = torch.tensor(padded, torch.ScalarType.Float64);
        // unfold is a view; each block of frames is windowed, transformed and summed, so memory stays O(block · W).
        // With stride s only every s-th frame's autocorrelation enters the mean (the committee's ODFs: an 8 s window moved
        // by s frames changes the mean tempogram negligibly and costs 1/s); stride 1 is librosa's.
        var allFrames = env.unfold(0, w, stride);                       // [(T+1)/s, W] view
        var count = (t + stride - 1) / stride;
        // scipy.signal.get_window('hann', W) is periodic (fftbins=True).
        var window = torch.hann_window(w, periodic: true, dtype: torch.ScalarType.Float64);
        var nfft = 1;
        while (nfft < (2 * w) - 1)
        {
            nfft <<= 1;
        }

        var sum = torch.zeros(w, torch.ScalarType.Float64);
        for (var b0 = 0; b0 < count; b0 += BlockFrames)
        {
            using var blockScope = torch.NewDisposeScope();
            var seg = allFrames.narrow(0, b0, Math.Min(BlockFrames, count - b0)) * window;
            var f = torch.fft.rfft(seg, nfft, dim: 1);
            var acFull = torch.fft.irfft(f.abs().Squared(), nfft, dim: 1)[.., ..w];
            var peak = acFull.abs().amax([1], keepdim: true);
            // librosa.util.normalize: frames whose norm is below the smallest positive float are left unscaled.
            var tiny = 2.2250738585072014e-308;
            var scale = torch.where(peak.GreaterThan(tiny), peak, torch.ones_like(peak));
            using var blockSum = (acFull / scale).sum([0]);
            using var next = sum.Plus(blockSum);
            sum.copy_(next);
        }

        return ToDoubles(sum.DividedBy(count));
    }

    private static void Place(double[] values, double[] target, int shift)
    {
        for (var i = 0; i < values.Length && i + shift < target.Length; i++)
        {
            target[i + shift] = values[i];
        }
    }

    private static double[] ToDoubles(torch.Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.to(torch.ScalarType.Float64).cpu().contiguous();
        using var accessor = cpu.data<double>();
        return accessor.ToArray();
    }

    private static float[] ToFloats(torch.Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.to(torch.ScalarType.Float32).cpu().contiguous();
        using var accessor = cpu.data<float>();
        return accessor.ToArray();
    }

    /// <summary>Mel bands whose centre frequency lies below <paramref name="hz"/> (Slaney scale, fmin 0, fmax Nyquist).</summary>
    private static int CountBandsBelow(double hz, int bands, int sampleRate)
    {
        var maxMel = MelFilterbank.HzToMel(sampleRate / 2.0, MelScale.Slaney);
        var count = 0;
        for (var b = 0; b < bands; b++)
        {
            var centreMel = maxMel * (b + 1) / (bands + 1);
            if (MelFilterbank.MelToHz(centreMel, MelScale.Slaney) < hz)
            {
                count++;
            }
        }

        return count;
    }

    public void Dispose()
    {
        _chromaBank.Dispose();
        _melBank.Dispose();
        _stft.Dispose();
    }
}
