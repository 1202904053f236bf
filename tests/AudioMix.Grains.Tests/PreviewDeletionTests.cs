using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

/// <summary>
/// A preview rendered while its job or dataset is deleted must not be left behind in the removed folder: the store is
/// decorated so the owner's deletion runs exactly between rendering and writing the preview (the worst moment).
/// </summary>
public sealed class PreviewDeletionTests
{
    private static async Task<(ClusterFixture Cluster, HookedBlobStore Hooks)> StartAsync()
    {
        HookedBlobStore? hooks = null;
        var cluster = ClusterFixture.WithStore(inner => hooks = new HookedBlobStore(inner, "previews-test-none/"));
        await cluster.InitializeAsync();
        return (cluster, hooks!);
    }

    /// <summary>Before the first write under <paramref name="folder"/>'s previews, runs <paramref name="delete"/> to its end (outside any grain's turn).</summary>
    private static void DeleteOwnerBeforePreviewWrite(HookedBlobStore hooks, string folder, Func<Task> delete) =>
        hooks.BeforeWriting = async key =>
        {
            if (key.StartsWith($"{folder}previews/", StringComparison.Ordinal))
            {
                hooks.BeforeWriting = null;
                await Task.Run(delete);
            }
        };

    [Fact]
    public async Task An_output_preview_rendered_while_its_job_is_deleted_is_not_left_in_the_removed_folder()
    {
        var (cluster, hooks) = await StartAsync();
        await using var _ = cluster;
        var datasetId = TestData.NewKey("ds");
        await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 2);
        var previews = cluster.Client.GetGrain<IPreviewGrain>(0);

        // Control: a job that stays keeps its preview.
        var kept = TestData.NewKey("job");
        await cluster.Client.GetGrain<IJobGrain>(kept).StartAsync(TestData.Mixup(datasetId, 1, """{"count": 1}"""));
        Assert.Equal(JobState.Completed, (await TestData.WaitAsync(cluster.Client, kept)).Status.State);
        var key = await previews.OutputSpectrogramAsync(kept, 0, 256, overlay: true);
        Assert.NotNull(key);
        Assert.NotNull(await cluster.Store.GetPropertiesAsync(key));

        var deleted = TestData.NewKey("job");
        var job = cluster.Client.GetGrain<IJobGrain>(deleted);
        await job.StartAsync(TestData.Mixup(datasetId, 2, """{"count": 1}"""));
        Assert.Equal(JobState.Completed, (await TestData.WaitAsync(cluster.Client, deleted)).Status.State);
        DeleteOwnerBeforePreviewWrite(hooks, $"jobs/{deleted}/", async () => Assert.True(await job.DeleteAsync()));

        Assert.Null(await previews.OutputSpectrogramAsync(deleted, 0, 256, overlay: true));
        Assert.Null(hooks.BeforeWriting); // the deletion did run between rendering and writing
        Assert.Empty(await TestData.ListKeysAsync(cluster.Store, $"jobs/{deleted}/"));
    }

    [Fact]
    public async Task An_item_preview_rendered_while_its_dataset_is_deleted_is_not_left_in_the_removed_folder()
    {
        var (cluster, hooks) = await StartAsync();
        await using var _ = cluster;
        var datasetId = TestData.NewKey("ds");
        var items = await TestData.CreateDatasetAsync(cluster.Client, cluster.Store, datasetId, count: 2);
        var previews = cluster.Client.GetGrain<IPreviewGrain>(0);
        var dataset = cluster.Client.GetGrain<IDatasetGrain>(datasetId);

        // Control: the dataset stays, the preview stays.
        var key = await previews.ItemSpectrogramAsync(datasetId, items[0].ItemId, 256);
        Assert.NotNull(key);
        Assert.NotNull(await cluster.Store.GetPropertiesAsync(key));

        DeleteOwnerBeforePreviewWrite(hooks, $"datasets/{datasetId}/", async () => Assert.Equal(DatasetDeletionOutcome.Deleted, (await dataset.DeleteAsync()).Outcome));

        Assert.Null(await previews.ItemSpectrogramAsync(datasetId, items[1].ItemId, 256));
        Assert.Null(hooks.BeforeWriting);
        Assert.Empty(await TestData.ListKeysAsync(cluster.Store, $"datasets/{datasetId}/"));
    }
}
