using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AudioMix.Audio;
using AudioMix.Audio.Torch.Imaging;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Datasets;
using AudioMix.Grains.Jobs;
using AudioMix.Storage;

namespace AudioMix.Grains.Previews;

/// <summary>
/// Renders previews (<see cref="SpectrogramImage"/>) and caches them in blob storage under
/// <c>{owner folder}previews/{sha256 of the audio}-{overlay digest}-{version}-w{width}.png</c>, the owner folder being the
/// dataset's (<c>datasets/{id}/</c>) or the job's (<c>jobs/{id}/</c>): the same audio with the same overlay is rendered
/// once per owner, and the previews go when their dataset or job is deleted (nothing else references them). Items carry their content hash; an output's is computed from its bytes once per blob version
/// (remembered by ETag). Rendering runs in the silo's <see cref="ComputeLimiter"/>.
/// </summary>
internal sealed class PreviewRenderer(BlobAudio audio, ComputeLimiter compute)
{
    /// <summary>Bumped when the picture changes, so cached previews of an older look are not served.</summary>
    private const string Version = "v1";

    private const int MaxRememberedHashes = 10_000;

    private readonly ConcurrentDictionary<string, string> _hashByVersion = new(StringComparer.Ordinal);

    /// <summary>The preview key of an item's audio, rendering it if not cached.</summary>
    public Task<string> ItemAsync(string datasetId, DatasetItem item, int width, CancellationToken cancellationToken) =>
        RenderAsync(DatasetGrain.Folder(datasetId), item.ContentHash, PreviewOverlay.None, width, ct => audio.ReadItemAsync(item, ct), cancellationToken);

    /// <summary>The preview key of an output's main audio with its op's overlay (or none), rendering it if not cached.</summary>
    public async Task<string> OutputAsync(string jobId, JobOutput output, int width, bool overlay, CancellationToken cancellationToken)
    {
        var key = output.OutputKey ?? throw new ArgumentException($"Output {output.Index} has no audio.");
        var hash = await ContentHashAsync(key, cancellationToken).ConfigureAwait(false);
        return await RenderAsync(JobKeys.Folder(jobId), hash, overlay ? PreviewOverlays.For(output) : PreviewOverlay.None, width, ct => audio.ReadAsync(key, null, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> RenderAsync(string folder, string contentHash, PreviewOverlay overlay, int width, Func<CancellationToken, Task<AudioBuffer>> read, CancellationToken cancellationToken)
    {
        width = Math.Clamp(width, SpectrogramImage.MinWidth, SpectrogramImage.MaxWidth);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(overlay.Fingerprint())))[..16];
        var key = string.Create(CultureInfo.InvariantCulture, $"{folder}previews/{contentHash}-{digest}-{Version}-w{width}.png");
        if (await audio.Store.GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return key;
        }

        var png = await compute.RunAsync(
            async ct =>
            {
                var buffer = await read(ct).ConfigureAwait(false);
                return SpectrogramImage.RenderPng(buffer, overlay, width);
            },
            cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(png, writable: false);
        await audio.Store.WriteAsync(key, stream, new BlobWriteOptions { ContentType = "image/png" }, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Deletes a preview written for an owner that has gone meanwhile.</summary>
    public Task DiscardAsync(string key, CancellationToken cancellationToken) => audio.Store.DeleteAsync(key, cancellationToken: cancellationToken);

    private async Task<string> ContentHashAsync(string key, CancellationToken cancellationToken)
    {
        var properties = await audio.Store.GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Blob {key} does not exist.");
        var version = $"{key}\n{properties.ETag}";
        if (_hashByVersion.TryGetValue(version, out var known))
        {
            return known;
        }

        await using var stream = await audio.Store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        if (_hashByVersion.Count >= MaxRememberedHashes)
        {
            _hashByVersion.Clear();
        }

        _hashByVersion[version] = hash;
        return hash;
    }
}
