using AudioMix.Audio;

namespace AudioMix.Separation.Tests;

public sealed class StreamingTests
{
    public static TheoryData<string> Methods => new() { "hpss", "hpss-wiener", "repet-sim", "two-stage-hpss", "two-stage-hpss-no-centre", "midside-wiener" };

    private static ISeparator Make(string method) => method switch
    {
        "hpss" => SeparatorFactory.Hpss(),
        "hpss-wiener" => SeparatorFactory.Hpss(new HpssOptions(WienerIterations: 2, WienerWindowSeconds: 0.3)),
        "repet-sim" => SeparatorFactory.RepetSim(new RepetSimOptions(SearchWindowSeconds: 2, MinDistanceSeconds: 0.25, WienerIterations: 1, WienerWindowSeconds: 0.2)),
        "two-stage-hpss" => SeparatorFactory.TwoStageHpss(),
        "two-stage-hpss-no-centre" => SeparatorFactory.TwoStageHpss(new TwoStageHpssOptions(CentreStereo: false)),
        "midside-wiener" => SeparatorFactory.MidSide(new MidSideOptions(WienerIterations: 1, WienerWindowSeconds: 0.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Streamed_separation_equals_whole_buffer_separation(string method)
    {
        // 9 s: several 256-frame blocks, whose edges fall inside median kernels, search and Wiener windows.
        var mix = SyntheticMixes.Sum(SyntheticMixes.Bursts(9, 0.37, seed: 11), SyntheticMixes.Tones(9, pan: 0.3));
        using var separator = Make(method);
        var whole = separator.Separate(mix);
        var streamed = SyntheticMixes.Collect(separator, SyntheticMixes.Blocks(mix, 1000, 4093, 77, 30000));

        Assert.Equal(separator.StemNames.Order(), streamed.Keys.Order());
        foreach (var stem in separator.StemNames)
        {
            var difference = SyntheticMixes.MaxAbsDifference(whole[stem], streamed[stem]);
            Assert.True(difference < 2e-5, $"{method}/{stem}: max difference {difference:g3}");
            Assert.True(whole[stem].Peak() > 0.01f, $"{method}/{stem} is silent");
        }
    }

    [Fact]
    public void A_stream_shorter_than_one_block_and_one_of_odd_length_still_match()
    {
        var mix = SyntheticMixes.Sum(SyntheticMixes.Bursts(0.37, 0.1, seed: 12), SyntheticMixes.Tones(0.37));
        mix = mix.Slice(0, mix.Frames - 13);
        using var separator = SeparatorFactory.Hpss();
        var whole = separator.Separate(mix);
        var streamed = SyntheticMixes.Collect(separator, SyntheticMixes.Blocks(mix, 700, 3));
        foreach (var stem in separator.StemNames)
        {
            Assert.True(SyntheticMixes.MaxAbsDifference(whole[stem], streamed[stem]) < 2e-5);
        }
    }

    [Fact]
    public void Blocks_with_another_rate_or_layout_are_rejected()
    {
        using var separator = SeparatorFactory.Hpss();
        IEnumerable<AudioBuffer> Blocks()
        {
            yield return AudioBuffer.Silence(22050, 2, 5000);
            yield return AudioBuffer.Silence(22050, 1, 5000);
        }

        Assert.Throws<ArgumentException>(() => separator.Separate(Blocks(), (_, _) => { }));
    }
}
