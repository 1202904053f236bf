using AudioMix.Fuzz;

namespace AudioMix.Web.Tests;

/// <summary>
/// The CI-safe half of fuzzing: every target of the harness (tests/AudioMix.Fuzz) replays its committed seed corpus —
/// which includes every input a campaign found crashing (corpus/TARGET/regression-*) — without a crash. The campaign
/// itself (AFL++, a million executions a target) is infra/fuzz/run.
/// </summary>
public sealed class FuzzHarnessTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_target_replays_its_seed_corpus(string target)
    {
        var corpus = Path.Combine(AppContext.BaseDirectory, "corpus", target);
        var files = Directory.GetFiles(corpus);
        Assert.True(files.Length >= 3, $"{corpus} has {files.Length} seeds");
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var error = Record.Exception(() => FuzzTargets.All[target](bytes));
            Assert.True(error is null, $"{target} crashed on {Path.GetFileName(file)}: {error}");
        }
    }

    [Fact]
    public void Every_target_survives_empty_and_garbage_input()
    {
        var rng = new Random(16);
        foreach (var (name, target) in FuzzTargets.All)
        {
            foreach (var input in new[] { Array.Empty<byte>(), [0], Enumerable.Range(0, 64).Select(_ => (byte)rng.Next(256)).ToArray() })
            {
                var error = Record.Exception(() => target(input));
                Assert.True(error is null, $"{name} crashed on {input.Length} bytes: {error}");
            }
        }
    }
}
