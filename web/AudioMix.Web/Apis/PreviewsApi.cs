using AudioMix.Abstractions.Jobs;
using AudioMix.Audio.Torch.Imaging;
using AudioMix.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AudioMix.Web.Apis;

/// <summary>
/// Waveform + log-mel spectrogram previews (PNG, at most <see cref="SpectrogramImage.MaxWidth"/> ×
/// <see cref="SpectrogramImage.Height"/>), rendered by a silo and cached by the audio's content hash: mapped inside the
/// jobs and datasets route groups (<c>…/outputs/{n}/spectrogram.png</c>, <c>…/items/{itemId}/spectrogram.png</c>).
/// </summary>
internal static class PreviewsApi
{
    /// <summary>A job output's preview with its op's overlay (beat grids, λ, partner start, segment boundaries); <c>?overlay=false</c>: without.</summary>
    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> OutputAsync(
        string id, int index, IGrainFactory grains, IBlobStore store, HttpResponse response, CancellationToken cancellationToken,
        int width = SpectrogramImage.DefaultWidth, bool overlay = true) =>
        await grains.GetGrain<IPreviewGrain>(0).OutputSpectrogramAsync(id, index, width, overlay) is { } key
            ? await StreamAsync(store, key, response, cancellationToken)
            : TypedResults.Problem($"Job {id} has no rendered output {index}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A dataset item's preview.</summary>
    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ItemAsync(
        string id, string itemId, IGrainFactory grains, IBlobStore store, HttpResponse response, CancellationToken cancellationToken, int width = SpectrogramImage.DefaultWidth) =>
        await grains.GetGrain<IPreviewGrain>(0).ItemSpectrogramAsync(id, itemId, width) is { } key
            ? await StreamAsync(store, key, response, cancellationToken)
            : TypedResults.Problem($"Dataset {id} has no item {itemId}.", statusCode: StatusCodes.Status404NotFound);

    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> StreamAsync(IBlobStore store, string key, HttpResponse response, CancellationToken cancellationToken)
    {
        // The image of an output can change (a re-run rewrites it), so browsers revalidate; the key is content-addressed.
        response.Headers.CacheControl = "no-cache";
        return BlobResults.StreamAsync(store, key, "image/png", cancellationToken);
    }
}
