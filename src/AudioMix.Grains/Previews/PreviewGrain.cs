using Orleans.Concurrency;

namespace AudioMix.Grains.Previews;

/// <summary>Answers preview requests from any silo (see <see cref="IPreviewGrain"/>); the work is <see cref="PreviewRenderer"/>'s.</summary>
[StatelessWorker]
internal sealed class PreviewGrain(PreviewRenderer renderer, IGrainFactory grains) : Grain, IPreviewGrain
{
    public async Task<string?> OutputSpectrogramAsync(string jobId, int index, int width, bool overlay) =>
        await grains.GetGrain<IJobGrain>(jobId).GetOutputAsync(index) is { OutputKey: not null } output
            ? await renderer.OutputAsync(jobId, output, width, overlay, CancellationToken.None)
            : null;

    public async Task<string?> ItemSpectrogramAsync(string datasetId, string itemId, int width) =>
        await grains.GetGrain<IDatasetGrain>(datasetId).GetItemAsync(itemId) is { } item
            ? await renderer.ItemAsync(datasetId, item, width, CancellationToken.None)
            : null;
}
