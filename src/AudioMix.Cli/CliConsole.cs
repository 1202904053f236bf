using AudioMix.Audio;
using AudioMix.Audio.Codecs;

namespace AudioMix.Cli;

/// <summary>Where commands write, and the one place that turns expected failures into exit codes.</summary>
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr)
{
    /// <summary>Exit code for bad input (unreadable audio, bad arguments).</summary>
    public const int InputError = 2;

    /// <summary>Exit code for a missing external tool.</summary>
    public const int ToolError = 3;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Runs a command body, reporting the failures a user can act on as one line instead of a stack trace.</summary>
    public int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (AudioFormatException ex)
        {
            Error.WriteLine($"error: {ex.Message}");
            return InputError;
        }
        catch (ExternalToolException ex)
        {
            Error.WriteLine($"error: {ex.Message}");
            return ToolError;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"error: {ex.Message}");
            return InputError;
        }
    }
}
