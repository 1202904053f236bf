using TorchSharp;

namespace AudioMix.Audio.Torch;

/// <summary>
/// Short-time Fourier transform and its inverse on a configured torch device, with a periodic Hann window
/// (Harris 1978) and the torch.stft / librosa.stft framing conventions (optional centring with reflect padding).
/// </summary>
/// <remarks>
/// The window tensor is long-lived: it is detached from any dispose scope active at construction and released by
/// <see cref="Dispose"/>. Every other tensor is created inside a dispose scope; tensor-returning methods move only
/// their result out. Calls are synchronous; instances may be shared between threads (the window is read-only).
/// </remarks>
public sealed class Stft : IDisposable
{
    private readonly torch.Tensor _window;
    private bool _disposed;

    /// <summary>Creates a transform.</summary>
    /// <param name="options">Frame parameters.</param>
    /// <param name="device">Where tensors are created; <see langword="null"/> means CPU.</param>
    /// <exception cref="ArgumentOutOfRangeException">Invalid options.</exception>
    public Stft(StftOptions options, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureLoaded();
        Options = options;
        Device = device ?? torch.CPU;
        _window = torch.hann_window(options.EffectiveWindowLength, periodic: true, dtype: torch.ScalarType.Float32, device: Device)
            .DetachFromDisposeScope();
    }

    /// <summary>The frame parameters.</summary>
    public StftOptions Options { get; }

    /// <summary>The device tensors are created on.</summary>
    public torch.Device Device { get; }

    /// <summary>
    /// Forward transform: real <c>[..., samples]</c> → complex <c>[..., FftSize/2+1, frames]</c>
    /// (complex64 for float32 input). Input on another device is copied to <see cref="Device"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Input is not a floating-point tensor with at least one dimension, or is too short.</exception>
    public torch.Tensor Forward(torch.Tensor signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (signal.dim() < 1)
        {
            throw new ArgumentException("STFT input must have at least one dimension ([..., samples]).", nameof(signal));
        }

        if (signal.dtype is not (torch.ScalarType.Float32 or torch.ScalarType.Float64))
        {
            throw new ArgumentException($"STFT input must be float32 or float64, got {signal.dtype}.", nameof(signal));
        }

        var samples = signal.shape[^1];
        CheckLength(samples, nameof(signal));

        using var scope = torch.NewDisposeScope();
        var x = TensorInterop.IsOn(signal, Device) ? signal : signal.to(Device);
        var window = x.dtype == _window.dtype ? _window : _window.to(x.dtype);

        // torch.stft accepts only [samples] or [batch, samples]: fold any leading dimensions into one batch axis.
        var leading = signal.shape[..^1];
        var batched = x.reshape(-1, samples);
        var spec = torch.stft(
            batched,
            Options.FftSize,
            hop_length: Options.HopLength,
            win_length: Options.EffectiveWindowLength,
            window: window,
            center: Options.Center,
            pad_mode: PaddingModes.Reflect,
            normalized: false,
            onesided: true,
            return_complex: true);

        var result = spec.reshape([.. leading, spec.shape[^2], spec.shape[^1]]);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Inverse transform (weighted overlap-add, Griffin &amp; Lim 1984): complex <c>[..., FftSize/2+1, frames]</c> →
    /// real <c>[..., length]</c>. Exact inverse of <see cref="Forward"/> for unmodified spectra.
    /// </summary>
    /// <exception cref="ArgumentException">Input is not complex, has the wrong number of bins, or <paramref name="length"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException"><see cref="StftOptions.Center"/> is false (not invertible with a Hann window).</exception>
    public torch.Tensor Inverse(torch.Tensor spectrum, long length)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Options.Center)
        {
            // The periodic Hann window is 0 at n = 0, so without centring the first output sample has zero
            // overlap-add weight; torch.istft then fails its NOLA check (Griffin & Lim 1984 need Σw² > 0 everywhere).
            throw new InvalidOperationException(
                "Inverse STFT needs Center = true: with a Hann window and no centre padding the first sample has zero window weight, so it cannot be reconstructed (torch.istft NOLA check).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (!spectrum.is_complex())
        {
            throw new ArgumentException($"Inverse STFT input must be complex, got {spectrum.dtype}.", nameof(spectrum));
        }

        if (spectrum.dim() < 2 || spectrum.shape[^2] != Options.Bins)
        {
            throw new ArgumentException(
                $"Inverse STFT input must have shape [..., {Options.Bins}, frames] for FFT size {Options.FftSize}, got [{string.Join(", ", spectrum.shape)}].",
                nameof(spectrum));
        }

        using var scope = torch.NewDisposeScope();
        var x = TensorInterop.IsOn(spectrum, Device) ? spectrum : spectrum.to(Device);
        var realType = x.dtype == torch.ScalarType.ComplexFloat64 ? torch.ScalarType.Float64 : torch.ScalarType.Float32;
        var window = _window.dtype == realType ? _window : _window.to(realType);

        var leading = spectrum.shape[..^2];
        var batched = x.reshape(-1, spectrum.shape[^2], spectrum.shape[^1]);
        var signal = torch.istft(
            batched,
            Options.FftSize,
            hop_length: Options.HopLength,
            win_length: Options.EffectiveWindowLength,
            window: window,
            center: Options.Center,
            normalized: false,
            onesided: true,
            length: length,
            return_complex: false);

        return signal.reshape([.. leading, length]).MoveToOuterDisposeScope();
    }

    /// <summary>Magnitude spectrogram <c>|STFT|</c> of a mono signal as <c>float[bins, frames]</c>.</summary>
    public float[,] Magnitude(ReadOnlySpan<float> signal)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckLength(signal.Length, nameof(signal));
        using var scope = torch.NewDisposeScope();
        var spec = Forward(TensorInterop.FromSpan(signal, Device));
        return TensorInterop.ToArray2D(spec.abs());
    }

    /// <summary>STFT followed by inverse STFT of a mono signal, returning the same number of samples.</summary>
    public float[] RoundTrip(ReadOnlySpan<float> signal)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckLength(signal.Length, nameof(signal));
        using var scope = torch.NewDisposeScope();
        var spec = Forward(TensorInterop.FromSpan(signal, Device));
        return TensorInterop.ToArray(Inverse(spec, signal.Length));
    }

    /// <summary>Releases the window tensor.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _window.Dispose();
    }

    private void CheckLength(long samples, string signal)
    {
        if (Options.Center)
        {
            // Reflect padding by FftSize/2 needs strictly more samples than the pad on each side.
            if (samples <= Options.FftSize / 2)
            {
                throw new ArgumentException(
                    $"Signal of {samples} samples is too short for a centred STFT with FFT size {Options.FftSize}: reflect padding needs more than {Options.FftSize / 2} samples.",
                    signal);
            }
        }
        else if (samples < Options.FftSize)
        {
            throw new ArgumentException(
                $"Signal of {samples} samples is shorter than the FFT size {Options.FftSize} (Center = false).", signal);
        }
    }
}
