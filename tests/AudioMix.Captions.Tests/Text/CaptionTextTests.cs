using AudioMix.Captions.Text;

namespace AudioMix.Captions.Tests.Text;

public sealed class CaptionTextTests
{
    [Theory]
    [InlineData("barks", "bark")]
    [InlineData("barking", "bark")]
    [InlineData("barked", "bark")]
    [InlineData("running", "run")]
    [InlineData("flies", "fly")]
    [InlineData("chimes", "chim")]
    [InlineData("chiming", "chim")]
    [InlineData("dishes", "dish")]
    [InlineData("glass", "glass")]
    public void Stemming_meets_inflections_at_one_stem(string word, string stem) => Assert.Equal(stem, CaptionText.Stem(word));

    [Fact]
    public void Content_words_skip_function_words() =>
        Assert.Equal(["dog", "barks", "rain", "falls", "roof"], CaptionText.ContentWords("A dog barks while the rain falls on a roof."));

    [Fact]
    public void Key_words_leave_out_fillers_and_manner_adverbs() =>
        Assert.Equal(["man", "speaks"], CaptionText.KeyWords("A man speaks loudly in the background"));

    [Fact]
    public void Invented_sounds_are_those_neither_caption_names()
    {
        Assert.Equal(["siren"], SoundLexicon.InventedSounds("A dog barks as a siren wails and rain falls", "A dog barks", "Rain falls"));
        Assert.Empty(SoundLexicon.InventedSounds("Dogs barking while rain is falling", "A dog barks", "Rain falls"));
    }
}
