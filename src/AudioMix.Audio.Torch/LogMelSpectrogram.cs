using TorchSharp;

namespace AudioMix.Audio.Torch;

/// <summary>
/// Log-mel spectrogram: <c>power_to_db(M · |STFT(x)|^power)</c> with librosa semantics
/// (<c>10·log10(max(amin, S)) − 10·log10(max(amin, ref))</c>, <c>ref = 1</c>, then clipping to
/// <c>max − top_db</c>). The mel bank <c>M</c> is built by <see cref="MelFilterbank.Create"/>.
/// </summary>
/// <remarks>
/// For batched input the <c>top_db</c> floor is taken per item (over its mel × frames plane), as torchaudio does;
/// for a single signal this equals librosa's global maximum. The STFT window and mel bank are long-lived tensors
/// owned by this instance and released by <see cref="Dispose"/>.
/// </remarks>
public sealed class LogMelSpectrogram : IDisposable
{
    private readonly Stft _stft;
    private readonly torch.Tensor _melBank;
    private bool _disposed;

    /// <summary>Creates the transform and its mel bank on <paramref name="device"/> (<see langword="null"/> = CPU).</summary>
    /// <exception cref="ArgumentException">Invalid options (see <see cref="MelFilterbank.Create"/> and <see cref="StftOptions"/>).</exception>
    public LogMelSpectrogram(LogMelOptions options, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var bank = MelFilterbank.Create(options.SampleRate, options.FftSize, options.NMels, options.FMin, options.FMax, options.Scale, options.Norm);
        _stft = new Stft(new StftOptions(options.FftSize, options.HopLength), device);
        try
        {
            _melBank = torch.tensor(bank, torch.ScalarType.Float32, _stft.Device).DetachFromDisposeScope();
        }
        catch
        {
            _stft.Dispose();
            throw;
        }
    }

    /// <summary>The parameters.</summary>
    public LogMelOptions Options { get; }

    /// <summary>The device tensors are created on.</summary>
    public torch.Device Device => _stft.Device;

    /// <summary>Computes <c>[..., samples]</c> → <c>[..., nMels, frames]</c> (float32, decibels).</summary>
    public torch.Tensor Compute(torch.Tensor signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        var spec = _stft.Forward(signal.dtype == torch.ScalarType.Float32 ? signal : signal.to(torch.ScalarType.Float32));
        var magnitude = spec.abs();
        var power = Options.Power switch
        {
            1.0 => magnitude,
            2.0 => magnitude.Squared(),
            _ => magnitude.Power(Options.Power),
        };

        // [nMels, bins] @ [..., bins, frames] broadcasts over the leading dimensions.
        var mel = torch.matmul(_melBank, power);
        var db = mel.AtLeast(Options.AminDb).log10().Times(10.0);
        if (Options.TopDb is { } topDb)
        {
            var peak = db.amax([-2, -1], keepdim: true);
            db = torch.maximum(db, peak.Plus(-topDb));
        }

        return db.MoveToOuterDisposeScope();
    }

    /// <summary>Computes the log-mel spectrogram of a mono signal as <c>float[nMels, frames]</c>.</summary>
    public float[,] Compute(ReadOnlySpan<float> signal)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        var db = Compute(TensorInterop.FromSpan(signal, Device));
        return TensorInterop.ToArray2D(db);
    }

    /// <summary>Releases the STFT window and the mel bank.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _melBank.Dispose();
        _stft.Dispose();
    }
}
