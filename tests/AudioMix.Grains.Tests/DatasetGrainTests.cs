using AudioMix.Abstractions.Datasets;
using AudioMix.Grains.Tests.Infrastructure;

namespace AudioMix.Grains.Tests;

[Collection(ClusterGroup.Name)]
public sealed class DatasetGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Create_returns_the_summary_and_the_catalog_lists_it()
    {
        var id = TestData.NewKey("ds");
        var summary = await fixture.Client.GetGrain<IDatasetGrain>(id).CreateAsync("  Birds  ", DatasetKind.Sound);

        Assert.Equal(id, summary.Id);
        Assert.Equal("Birds", summary.Name);
        Assert.Equal(DatasetKind.Sound, summary.Kind);
        Assert.Equal(0, summary.ItemCount);
        Assert.Equal(summary, await fixture.Client.GetGrain<IDatasetGrain>(id).GetAsync());
        var listed = await fixture.Client.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).ListAsync();
        Assert.Contains(listed, d => d.Id == id && d.Name == "Birds");
    }

    [Fact]
    public async Task Creating_twice_fails_and_keeps_the_first()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("first", DatasetKind.Music);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.CreateAsync("second", DatasetKind.Speech));
        Assert.Contains(id, ex.Message, StringComparison.Ordinal);
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        var summary = await grain.GetAsync();
        Assert.Equal("first", summary!.Name);
        Assert.Equal(DatasetKind.Music, summary.Kind);
    }

    [Fact]
    public async Task Empty_name_is_refused()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IDatasetGrain>(TestData.NewKey("ds")).CreateAsync(" ", DatasetKind.Sound));
        Assert.Contains("name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_dataset_is_null_and_its_items_are_KeyNotFound()
    {
        var grain = fixture.Client.GetGrain<IDatasetGrain>(TestData.NewKey("missing"));
        Assert.Null(await grain.GetAsync());
        Assert.Null(await grain.GetItemAsync("x"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.GetItemsAsync(0, 10));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.AddItemsAsync([]));
    }

    [Fact]
    public async Task Items_page_in_upload_order_with_total_and_lookup_by_id()
    {
        var id = TestData.NewKey("ds");
        var items = await TestData.CreateDatasetAsync(fixture.Client, fixture.Store, id, count: 7, seconds: 0.05);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);

        var first = await grain.GetItemsAsync(0, 3);
        var second = await grain.GetItemsAsync(3, 3);
        var last = await grain.GetItemsAsync(6, 3);
        var beyond = await grain.GetItemsAsync(50, 3);

        Assert.All(new[] { first, second, last, beyond }, p => Assert.Equal(7, p.Total));
        Assert.Equal(["item0000", "item0001", "item0002"], first.Items.Select(i => i.ItemId));
        Assert.Equal(["item0003", "item0004", "item0005"], second.Items.Select(i => i.ItemId));
        Assert.Equal(["item0006"], last.Items.Select(i => i.ItemId));
        Assert.Equal(3, second.Offset);
        Assert.Empty(beyond.Items);
        // Limits are clamped, never an error: 0 → 1, negative offsets → 0.
        Assert.Single((await grain.GetItemsAsync(-5, 0)).Items);

        AssertSame(items[4], (await grain.GetItemAsync("item0004"))!);
        Assert.Null(await grain.GetItemAsync("nope"));
        var summary = await grain.GetAsync();
        Assert.Equal(7, summary!.ItemCount);
        Assert.Equal(items.Sum(i => i.Duration), summary.TotalDuration, 9);
        var all = await grain.GetAllItemsAsync();
        Assert.Equal(items.Count, all.Count);
        for (var i = 0; i < items.Count; i++)
        {
            AssertSame(items[i], all[i]);
        }
    }

    [Fact]
    public async Task Adding_an_item_with_an_existing_id_replaces_it()
    {
        var id = TestData.NewKey("ds");
        var items = await TestData.CreateDatasetAsync(fixture.Client, fixture.Store, id, count: 2, seconds: 0.05);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        var summary = await grain.AddItemsAsync([items[0] with { Labels = ["relabelled"] }]);

        Assert.Equal(2, summary.ItemCount);
        Assert.Equal(["relabelled"], (await grain.GetItemAsync(items[0].ItemId))!.Labels);
    }

    // Records compare lists by reference; after a round trip through the grain the list is a new instance.
    private static void AssertSame(DatasetItem expected, DatasetItem actual)
    {
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected with { Labels = [] }, actual with { Labels = [] });
    }
}
