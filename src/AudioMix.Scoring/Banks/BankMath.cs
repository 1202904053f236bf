using AudioMix.Audio.Augmentation;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioMix.Scoring.Banks;

/// <summary>Small helpers shared by the two distortion banks.</summary>
internal static class BankMath
{
    /// <summary>Sample rate the banks are generated at.</summary>
    public const int Fs = MapssPreprocessing.SampleRate;

    /// <summary>The SNR × colour grid of the noise distortions (SNR-major), white at −15/−10/−5 dB skipped: 24 entries.</summary>
    public static readonly (double SnrDb, NoiseColour Colour)[] NoiseGrid = BuildNoiseGrid();

    /// <summary>Gaussian noise of <paramref name="length"/> samples, coloured by (double) cumulative sums and peak-normalised (spec §4.1 item 4).</summary>
    public static double[] ColouredNoise(DeterministicRandom random, int length, NoiseColour colour)
    {
        var v = new double[length];
        for (var i = 0; i < length; i++)
        {
            v[i] = random.NextGaussian();
        }

        var sums = colour switch
        {
            NoiseColour.White => 0,
            NoiseColour.Pink => 1,
            _ => 2,
        };
        for (var s = 0; s < sums; s++)
        {
            for (var i = 1; i < length; i++)
            {
                v[i] += v[i - 1];
            }
        }

        if (sums > 0)
        {
            var peak = v.Max(Math.Abs);
            if (peak > 0)
            {
                for (var i = 0; i < length; i++)
                {
                    v[i] /= peak;
                }
            }
        }

        return v;
    }

    /// <summary>RMS in double precision.</summary>
    public static double Rms(ReadOnlySpan<double> x) => MapssPreprocessing.Rms(x);

    /// <summary>Copies a CPU float64 tensor <c>[rows, cols]</c> into managed rows.</summary>
    public static double[][] Rows(Tensor t)
    {
        var cpu = t.to(ScalarType.Float64).cpu().contiguous();
        var rows = (int)cpu.shape[0];
        var cols = (int)cpu.shape[1];
        var flat = cpu.data<double>().ToArray();
        var result = new double[rows][];
        for (var r = 0; r < rows; r++)
        {
            result[r] = flat.AsSpan(r * cols, cols).ToArray();
        }

        return result;
    }

    /// <summary>Linear-interpolated percentile (NumPy's default method) of |x|.</summary>
    public static double AbsPercentile(ReadOnlySpan<double> x, double percent)
    {
        var sorted = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            sorted[i] = Math.Abs(x[i]);
        }

        Array.Sort(sorted);
        var pos = percent / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }

    private static (double, NoiseColour)[] BuildNoiseGrid()
    {
        var grid = new List<(double, NoiseColour)>();
        foreach (var snr in new double[] { -15, -10, -5, 0, 5, 10, 15, 20, 25 })
        {
            foreach (var colour in new[] { NoiseColour.White, NoiseColour.Pink, NoiseColour.Brown })
            {
                if (colour == NoiseColour.White && snr < 0)
                {
                    continue;
                }

                grid.Add((snr, colour));
            }
        }

        return [.. grid];
    }
}

/// <summary>Noise colours of the banks: "pink" is one cumulative sum, "brown" two (as in the reference).</summary>
internal enum NoiseColour
{
    White,
    Pink,
    Brown,
}
