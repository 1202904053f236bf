using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;

namespace AudioMix.Grains.Datasets;

/// <summary>Persisted analysis of one piece of content.</summary>
[GenerateSerializer, Alias("AudioMix.AudioAnalysisState")]
public sealed class AudioAnalysisState
{
    [Id(0)] public AnalysisOutcome? Outcome { get; set; }
}

/// <summary>
/// Decodes content once per SHA-256 and remembers what it found, so the same file uploaded to
/// several datasets, or used by many jobs, is analysed a single time.
/// </summary>
internal sealed partial class AudioAnalysisGrain(
    [PersistentState("analysis", StorageNames.GrainState)] IPersistentState<AudioAnalysisState> state,
    BlobAudio audio,
    ComputeLimiter compute,
    ILogger<AudioAnalysisGrain> logger) : Grain, IAudioAnalysisGrain
{
    public async Task<AnalysisOutcome> GetOrAnalyzeAsync(string blobKey, string fileName)
    {
        if (state.State.Outcome is { } cached)
        {
            return cached;
        }

        var hash = this.GetPrimaryKeyString();
        AnalysisOutcome outcome;
        try
        {
            var report = await compute.RunAsync(ct => audio.InspectAsync(blobKey, fileName, ct), CancellationToken.None);
            var s = report.Stream;
            outcome = s.Frames <= 0
                ? new AnalysisOutcome(null, $"{fileName}: the file holds no audio frames")
                : new AnalysisOutcome(
                    new ItemAnalysis(
                        hash,
                        $"{s.Container}/{s.Codec}",
                        s.Duration,
                        s.SampleRate,
                        s.Channels,
                        s.Frames,
                        double.IsFinite(report.IntegratedLufs) ? Math.Round(report.IntegratedLufs, 3) : null,
                        double.IsFinite(report.SamplePeakDbfs) ? Math.Round(report.SamplePeakDbfs, 3) : null),
                    null);
        }
        catch (AudioFormatException ex) when (ex.InnerException is TimeoutException)
        {
            // The decoder ran out of time: refused now, but not cached — on a less busy silo the same bytes may decode.
            return new AnalysisOutcome(null, ex.Message.StartsWith(fileName, StringComparison.Ordinal) ? ex.Message : $"{fileName}: {ex.Message}");
        }
        catch (AudioFormatException ex)
        {
            // The message names the file and the problem; it is what the uploader sees.
            outcome = new AnalysisOutcome(null, ex.Message.StartsWith(fileName, StringComparison.Ordinal) ? ex.Message : $"{fileName}: {ex.Message}");
        }
        catch (ExternalToolException ex)
        {
            // A missing decoder is the server's problem, not the file's: do not cache it.
            LogToolMissing(logger, fileName, ex.Message);
            return new AnalysisOutcome(null, $"{fileName}: cannot decode on this server: {ex.Message}");
        }

        state.State.Outcome = outcome;
        await state.WriteStateAsync();
        return outcome;
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "Cannot analyse {FileName}: {Reason}")]
    private static partial void LogToolMissing(ILogger logger, string fileName, string reason);
}
