using Orleans.Concurrency;

namespace AudioMix.Grains.Previews;

/// <summary>
/// Answers preview requests from any silo (see <see cref="IPreviewGrain"/>); the work is <see cref="PreviewRenderer"/>'s.
/// A preview lives in its owner's folder and goes with it, so one rendered while its job or dataset is being deleted
/// must not land after the folder is removed: the owner is asked again once the preview is written. Owners mark
/// themselves deleted (and answer as unknown) before they remove their folder, so either the write came first and the
/// folder removal takes it, or the owner answers as gone here and the preview is withdrawn.
/// </summary>
[StatelessWorker]
internal sealed class PreviewGrain(PreviewRenderer renderer, IGrainFactory grains) : Grain, IPreviewGrain
{
    public async Task<string?> OutputSpectrogramAsync(string jobId, int index, int width, bool overlay)
    {
        var job = grains.GetGrain<IJobGrain>(jobId);
        if (await job.GetOutputAsync(index) is not { OutputKey: not null } output)
        {
            return null;
        }

        var key = await renderer.OutputAsync(jobId, output, width, overlay, CancellationToken.None);
        return await KeepIfOwnedAsync(key, async () => await job.GetOutputAsync(index) is not null);
    }

    public async Task<string?> ItemSpectrogramAsync(string datasetId, string itemId, int width)
    {
        var dataset = grains.GetGrain<IDatasetGrain>(datasetId);
        if (await dataset.GetItemAsync(itemId) is not { } item)
        {
            return null;
        }

        var key = await renderer.ItemAsync(datasetId, item, width, CancellationToken.None);
        return await KeepIfOwnedAsync(key, async () => await dataset.GetItemAsync(itemId) is not null);
    }

    /// <summary><paramref name="key"/> while its owner still exists; otherwise the preview is deleted and there is none.</summary>
    private async Task<string?> KeepIfOwnedAsync(string key, Func<Task<bool>> ownerExists)
    {
        if (await ownerExists())
        {
            return key;
        }

        await renderer.DiscardAsync(key, CancellationToken.None);
        return null;
    }
}
