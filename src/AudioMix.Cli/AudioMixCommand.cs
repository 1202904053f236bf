using System.CommandLine;
using AudioMix.Cli.Commands;

namespace AudioMix.Cli;

/// <summary>The root `audiomix` command; each feature adds its subcommand here.</summary>
internal static class AudioMixCommand
{
    /// <summary>Parses and runs one command line; parse errors and command output go to the given writers.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration { Output = stdout ?? Console.Out, Error = stderr ?? Console.Error };
        return Build(stdout, stderr).Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    public static RootCommand Build(TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var console = new CliConsole(stdout ?? Console.Out, stderr ?? Console.Error);
        return new RootCommand("AudioMix: audio and music augmentation for training sets.")
        {
            InfoCommand.Create(console),
            ConvertCommand.Create(console),
            BeatsCommand.Create(console),
            BeatMixupCommand.Create(console),
            ScoreCommand.Create(console),
            SeparateCommand.Create(console),
            SegmentCommand.Create(console),
            DatasetCommand.Create(console),
            JobCommand.Create(console),
            CaptionMixCommand.Create(console),
            KeysCommand.Create(console),
        };
    }
}
