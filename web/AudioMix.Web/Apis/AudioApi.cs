using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Audio.Processing;
using AudioMix.Grains.Audio;
using AudioMix.Web.Hosting;
using AudioMix.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Apis;

/// <summary>Stateless audio endpoints: health and one-off inspection of an uploaded file.</summary>
internal static class AudioApi
{
    public static RouteGroupBuilder MapAudioApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Audio");
        api.MapGet("/health", () => TypedResults.Ok(new HealthResponse("ok"))).AllowAnonymous();
        api.MapPost("/audio/inspect", InspectAsync).DisableAntiforgery().RequireRateLimiting(SecurityHostingExtensions.UploadsPolicy);
        return api;
    }

    /// <summary>Health probe answer.</summary>
    internal sealed record HealthResponse(string Status);

    /// <summary>What <c>POST /api/audio/inspect</c> answers.</summary>
    internal sealed record InspectResponse(
        string FileName, string Format, string Codec, int SampleRate, int Channels, long Frames,
        double Duration, double? IntegratedLufs, double SamplePeak, double? SamplePeakDbfs);

    // The body is streamed to a temporary file rather than buffered: audio files are large and the
    // decoders (WAV reader, ffmpeg) want a seekable file anyway.
    internal static async Task<Results<Ok<InspectResponse>, ProblemHttpResult>> InspectAsync(
        HttpRequest request, IOptions<AudioMixWebOptions> options, IOptions<DecodingOptions> decoding, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem("Send the audio as multipart/form-data with one file field.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.Value.MaxUploadBytes }, cancellationToken);
        if (form.Files.Count != 1)
        {
            return TypedResults.Problem($"Expected exactly one file, got {form.Files.Count}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var file = form.Files[0];
        var temp = Path.Combine(Path.GetTempPath(), $"audiomix-inspect-{Guid.NewGuid():N}{Path.GetExtension(file.FileName)}");
        try
        {
            await using (var target = File.Create(temp))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            var report = await Task.Run(() => AudioInspector.Inspect(temp, decoding.Value.Limits, cancellationToken), cancellationToken);
            var s = report.Stream;
            return TypedResults.Ok(new InspectResponse(
                file.FileName, s.Container, s.Codec, s.SampleRate, s.Channels, s.Frames, s.Duration,
                Finite(report.IntegratedLufs), report.SamplePeak, Finite(report.SamplePeakDbfs)));
        }
        catch (AudioFormatException ex)
        {
            return TypedResults.Problem($"{file.FileName}: {ex.Message}", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not readable audio");
        }
        catch (ExternalToolException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Decoder unavailable");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
