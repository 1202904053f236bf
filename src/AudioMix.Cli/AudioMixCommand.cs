using System.CommandLine;

namespace AudioMix.Cli;

/// <summary>The root `audiomix` command; each feature adds its subcommand here.</summary>
internal static class AudioMixCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AudioMix: audio and music augmentation for training sets.");
        return root;
    }
}
