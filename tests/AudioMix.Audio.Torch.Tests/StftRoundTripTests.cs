using TorchSharp;

namespace AudioMix.Audio.Torch.Tests;

public sealed class StftRoundTripTests
{
    private const int Samples = 22_050 + 37; // deliberately not a multiple of any hop

    public static TheoryData<int, int, int?> Configs() => new()
    {
        { 2048, 512, null },
        { 1024, 256, null },
        { 512, 128, null },
        { 400, 160, null },
        { 256, 64, null },
        { 1024, 256, 512 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Noise_and_chirp_round_trip_within_1e5_and_keep_length(int fftSize, int hop, int? window)
    {
        using var stft = new Stft(new StftOptions(fftSize, hop, window));
        var noise = TestSignals.Noise(Samples, seed: 1234);
        var chirp = TestSignals.Chirp(Samples, 30, 10_000, 22_050);

        foreach (var (name, signal) in new[] { ("noise", noise), ("chirp", chirp) })
        {
            var back = stft.RoundTrip(signal);
            Assert.Equal(signal.Length, back.Length);
            var err = TestSignals.MaxAbsDiff(signal, back);
            TestContext.Current.TestOutputHelper?.WriteLine($"n_fft={fftSize} hop={hop} win={(window is null ? "n_fft" : window.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))} {name}: max abs error {err:E2}");
            Assert.True(err < 1e-5, $"{name}: max abs round-trip error {err:E3} ≥ 1e-5");
        }
    }

    [Fact]
    public void Batched_input_round_trips_and_matches_per_item_transform()
    {
        using var stft = new Stft(new StftOptions(1024, 256));
        var a = TestSignals.Noise(8000, seed: 1);
        var b = TestSignals.Chirp(8000, 100, 4000, 16_000);
        var c = TestSignals.Sine(8000, 440, 16_000);
        var flat = a.Concat(b).Concat(c).ToArray();

        using var scope = torch.NewDisposeScope();
        var batch = torch.tensor(flat, [3L, 8000L]);
        var spec = stft.Forward(batch);
        Assert.Equal(new long[] { 3, 513, 1 + (8000 / 256) }, spec.shape);
        Assert.Equal(torch.ScalarType.ComplexFloat32, spec.dtype);

        var back = stft.Inverse(spec, 8000);
        Assert.Equal(new long[] { 3, 8000 }, back.shape);
        Assert.True(TestSignals.MaxAbsDiff(flat, TensorInterop.ToArray(back)) < 1e-5);

        // Each batch row equals the single-signal transform.
        var single = stft.Forward(torch.tensor(b));
        var diff = (spec[1] - single).abs().max().item<float>();
        Assert.True(diff < 1e-5f, $"batch row differs from single transform by {diff}");
    }

    [Fact]
    public void Three_dimensional_input_keeps_leading_dimensions()
    {
        using var stft = new Stft(new StftOptions(512, 128));
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(TestSignals.Noise(2 * 2 * 4000, seed: 9), [2L, 2L, 4000L]);
        var spec = stft.Forward(x);
        Assert.Equal(new long[] { 2, 2, 257, 1 + (4000 / 128) }, spec.shape);
        var back = stft.Inverse(spec, 4000);
        Assert.Equal(x.shape, back.shape);
        Assert.True((back - x).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Non_centred_forward_frames_without_padding_and_inverse_is_refused_clearly()
    {
        using var stft = new Stft(new StftOptions(512, 128, Center: false));
        var x = TestSignals.Noise(4096, seed: 5);
        var mag = stft.Magnitude(x);
        Assert.Equal(257, mag.GetLength(0));
        Assert.Equal(1 + ((4096 - 512) / 128), mag.GetLength(1));
        var ex = Assert.Throws<InvalidOperationException>(() => stft.RoundTrip(x));
        Assert.Contains("Center = true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float64_input_gives_complex128_and_round_trips_to_double_precision()
    {
        using var stft = new Stft(new StftOptions(512, 128));
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(TestSignals.Noise(4000, seed: 21).Select(v => (double)v).ToArray());
        var spec = stft.Forward(x);
        Assert.Equal(torch.ScalarType.ComplexFloat64, spec.dtype);
        var back = stft.Inverse(spec, 4000);
        Assert.Equal(torch.ScalarType.Float64, back.dtype);
        Assert.True((back - x).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Bad_inputs_throw_clear_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stft(new StftOptions(FftSize: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stft(new StftOptions(1024, HopLength: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stft(new StftOptions(1024, 256, WindowLength: 2048)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stft(new StftOptions(1024, 600, WindowLength: 512)));

        using var stft = new Stft(new StftOptions(1024, 256));
        var tooShort = Assert.Throws<ArgumentException>(() => stft.Magnitude(new float[512]));
        Assert.Contains("too short", tooShort.Message, StringComparison.Ordinal);

        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => stft.Forward(torch.zeros(4096, torch.ScalarType.Int32)));
        Assert.Throws<ArgumentException>(() => stft.Inverse(torch.zeros(513, 10), 1000));
        Assert.Throws<ArgumentException>(() => stft.Inverse(torch.zeros(100, 10, torch.ScalarType.ComplexFloat32), 1000));

        stft.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stft.RoundTrip(new float[4096]));
    }
}
