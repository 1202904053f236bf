using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Cli.Remote;

namespace AudioMix.Cli;

/// <summary>Where commands write, and the one place that turns expected failures into exit codes.</summary>
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr)
{
    /// <summary>Exit code for bad input (unreadable audio, bad arguments).</summary>
    public const int InputError = 2;

    /// <summary>Exit code for a missing external tool.</summary>
    public const int ToolError = 3;

    /// <summary>Exit code when the server refused a request or could not be reached.</summary>
    public const int ServerError = 4;

    /// <summary>Exit code when a waited-for job ended failed or cancelled.</summary>
    public const int JobUnsuccessful = 5;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>
    /// True when <see cref="Out"/> is the process's own terminal (not redirected): progress may then be
    /// drawn in place; otherwise it is printed as plain lines.
    /// </summary>
    public bool IsInteractive => ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>The asynchronous form of <see cref="Run"/>, which also reports server errors as one line.</summary>
    public async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (AudioMixServerException ex)
        {
            Error.WriteLine($"error: {ex.Message}");
            return ServerError;
        }
        catch (System.Text.Json.JsonException ex)
        {
            Error.WriteLine($"error: not valid JSON: {ex.Message}");
            return InputError;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"error: {ex.Message}");
            return InputError;
        }
    }

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
