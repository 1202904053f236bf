namespace AudioMix.Storage.Tests.Blobs;

public sealed class BlobKeyTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("uploads/2026/take 1.wav")]
    [InlineData(".hidden/file")]
    [InlineData("ünïcode/✓/😀.wav")]
    public void Valid_keys_pass(string key)
    {
        Assert.Equal(key, BlobKey.Validate(key));
        Assert.True(BlobKey.IsValid(key));
    }

    [Theory]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("/abs", "relative")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/", "end with '/'")]
    [InlineData("a\u0000b", "control character U+0000")]
    [InlineData("a./b", "ends with '.'")]
    public void Invalid_keys_fail_with_a_message_naming_key_and_rule(string key, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => BlobKey.Validate(key));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid blob key '", e.Message, StringComparison.Ordinal);
        Assert.Equal("key", e.ParamName);
        Assert.False(BlobKey.IsValid(key));
    }

    [Fact]
    public void Unpaired_surrogates_are_rejected()
    {
        // Built in code: attribute data would replace a lone surrogate with U+FFFD.
        var key = "a" + (char)0xD800 + "b";
        Assert.Contains("unpaired", Assert.Throws<ArgumentException>(() => BlobKey.Validate(key)).Message, StringComparison.Ordinal);
        Assert.True(BlobKey.IsValid("a\ud83d\ude00b"));
    }

    [Fact]
    public void Length_limits_are_enforced()
    {
        Assert.True(BlobKey.IsValid(new string('a', 255)));
        Assert.False(BlobKey.IsValid(new string('a', 256)));
        Assert.False(BlobKey.IsValid(new string('é', 128)));
        Assert.False(BlobKey.IsValid(string.Join('/', Enumerable.Repeat("abcd", 206))));
        Assert.False(BlobKey.IsValid(string.Join('/', Enumerable.Repeat("a", 255))));
        Assert.False(BlobKey.IsValid(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a/")]
    [InlineData("a/b/.")]
    [InlineData("a/partial-")]
    public void Prefixes_may_end_anywhere(string prefix) => Assert.Equal(prefix, BlobKey.ValidatePrefix(prefix));

    [Theory]
    [InlineData("/a")]
    [InlineData("../a")]
    [InlineData("a//")]
    [InlineData("a\\")]
    public void Bad_prefixes_are_rejected(string prefix) => Assert.Throws<ArgumentException>(() => BlobKey.ValidatePrefix(prefix));

    [Theory]
    [InlineData("plain-Name_1.x", "plain-Name_1.x")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E%2E")]
    [InlineData(".x.", "%2Ex%2E")]
    [InlineData("é ✓", "%C3%A9%20%E2%9C%93")]
    [InlineData("100%", "100%25")]
    public void EscapeSegment_percent_encodes_everything_but_safe_ascii(string value, string expected)
    {
        Assert.Equal(expected, BlobKey.EscapeSegment(value));
        Assert.True(BlobKey.IsValid(BlobKey.EscapeSegment(value)));
    }

    [Fact]
    public void EscapeSegment_hashes_long_values_and_keeps_them_distinct()
    {
        var a = BlobKey.EscapeSegment(new string('é', 300) + "a");
        var b = BlobKey.EscapeSegment(new string('é', 300) + "b");

        Assert.NotEqual(a, b);
        Assert.True(a.Length <= 217, $"length {a.Length}");
        Assert.True(BlobKey.IsValid(a));
        Assert.Matches("~[0-9a-f]{16}$", a);
    }
}
