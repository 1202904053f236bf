using AudioMix.Audio;
using AudioMix.Music.Mixing;

namespace AudioMix.Music.Tests.Mixing;

public sealed class OnsetAlignmentCheckTests
{
    private const double Bpm = 120;
    private const double Period = 60 / Bpm;

    private static AudioBuffer Loop(int seed, double start)
    {
        var track = SyntheticMusic.DrumsAndBass(Bpm, 4, 12, jitterMs: 1.0, seed: seed, start: start, eighthHats: false);
        return new AudioBuffer(track.SampleRate, [track.Samples]);
    }

    [Fact]
    public void Two_different_on_beat_sources_line_up_near_zero_lag()
    {
        var check = OnsetAlignmentCheck.Measure(Loop(seed: 1, start: 0.3), Loop(seed: 2, start: 0.3), Period);
        Assert.False(check.Misaligned);
        Assert.InRange(check.OffsetSeconds, -0.02, 0.02);
        Assert.True(check.Correlation > 0.2, $"correlation {check.Correlation}");
    }

    [Fact]
    public void A_partner_half_a_beat_late_is_flagged_with_its_offset()
    {
        var check = OnsetAlignmentCheck.Measure(Loop(seed: 1, start: 0.3), Loop(seed: 2, start: 0.3 + (Period / 2)), Period);
        Assert.True(check.Misaligned);
        Assert.InRange(Math.Abs(check.OffsetSeconds), (Period / 2) - 0.02, (Period / 2) + 0.02);
        Assert.InRange(check.PhaseError, 0.45, 0.55);
    }

    [Fact]
    public void Silence_gives_no_offset_and_bad_input_is_named()
    {
        var silence = AudioBuffer.Silence(22050, 1, 22050 * 5);
        var check = OnsetAlignmentCheck.Measure(silence, Loop(seed: 3, start: 0.3), Period);
        Assert.True(double.IsNaN(check.OffsetSeconds));
        Assert.False(check.Misaligned);
        var ex = Assert.Throws<ArgumentException>(() => OnsetAlignmentCheck.Measure(Loop(1, 0.3), AudioBuffer.Silence(44100, 1, 44100), Period));
        Assert.Contains("rates differ", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OnsetAlignmentCheck.Measure(Loop(1, 0.3), Loop(2, 0.3), 0));
    }
}
