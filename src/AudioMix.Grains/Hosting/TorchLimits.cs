using AudioMix.Audio.Torch;
using Microsoft.Extensions.Hosting;

namespace AudioMix.Grains.Hosting;

/// <summary>
/// What the silo set for libtorch when it was configured, before libtorch loaded: intra-op threads per unit
/// (<c>AudioMix:Compute:TorchThreadsPerUnit</c>) and the oneDNN ISA cap (<c>AudioMix:Compute:OneDnnMaxIsa</c>, default
/// <see cref="TorchRuntime.SafeOneDnnIsa"/>; <c>none</c> leaves oneDNN's own choice, and then <paramref name="OneDnnIsaLimit"/> is null).
/// </summary>
public sealed record TorchLimits(int Threads, TorchRuntime.ThreadLimit ThreadLimit, string OneDnnIsa, TorchRuntime.ThreadLimit? OneDnnIsaLimit)
{
    /// <summary>The configuration key of the oneDNN cap.</summary>
    public const string OneDnnIsaKey = "AudioMix:Compute:OneDnnMaxIsa";

    /// <summary>The value of <see cref="OneDnnIsaKey"/> that sets no cap.</summary>
    public const string NoCap = "none";

    /// <summary>Reads the oneDNN cap from configuration text (null: the default), refusing what is not an ISA name.</summary>
    /// <exception cref="ArgumentException">Not a oneDNN ISA name (letters, digits and underscores) or <see cref="NoCap"/>.</exception>
    public static string ReadOneDnnIsa(string? configured)
    {
        var isa = string.IsNullOrWhiteSpace(configured) ? TorchRuntime.SafeOneDnnIsa : configured.Trim();
        if (!isa.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"{OneDnnIsaKey} must be a oneDNN ISA name such as AVX2 or AVX512_CORE, or '{NoCap}' (got '{configured}').");
        }

        return isa;
    }
}

/// <summary>Logs <see cref="TorchLimits"/> once at start, so an operator sees whether the caps took (or came too late).</summary>
internal sealed partial class TorchLimitsReport(TorchLimits limits, ILogger<TorchLimitsReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogLimits(logger, limits.Threads, limits.ThreadLimit.ToString(), limits.OneDnnIsa, limits.OneDnnIsaLimit?.ToString() ?? "not capped");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "libtorch: {Threads} intra-op thread(s) per unit ({ThreadLimit}); oneDNN ISA cap {OneDnnIsa} ({OneDnnIsaLimit})")]
    private static partial void LogLimits(ILogger logger, int threads, string threadLimit, string oneDnnIsa, string oneDnnIsaLimit);
}
