using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Grains.Datasets;
using AudioMix.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AudioMix.Grains.Tests;

/// <summary>Datasets keep items in pages of 1,000: paging, replacing, lookups and bounded state across page boundaries.</summary>
[Collection(ClusterGroup.Name)]
public sealed class DatasetPagesTests(ClusterFixture fixture)
{
    private const int PageSize = IDatasetPageGrain.Capacity;

    [Fact]
    public async Task Paging_crosses_page_boundaries_in_upload_order()
    {
        var (grain, items) = await CreateAsync(2_500, batch: 300);

        var across = await grain.GetItemsAsync(PageSize - 10, 25);
        Assert.Equal(2_500, across.Total);
        Assert.Equal(items.Skip(PageSize - 10).Take(25).Select(i => i.ItemId), across.Items.Select(i => i.ItemId));
        var tail = await grain.GetItemsAsync(2_490, 1_000);
        Assert.Equal(items.Skip(2_490).Select(i => i.ItemId), tail.Items.Select(i => i.ItemId));
        var full = await grain.GetItemsAsync(500, 5_000);
        Assert.Equal(PageSize, full.Items.Count);
        Assert.Equal(items.Skip(500).Take(PageSize).Select(i => i.ItemId), full.Items.Select(i => i.ItemId));

        var all = await grain.GetAllItemsAsync();
        Assert.Equal(items.Select(i => i.ItemId), all.Select(i => i.ItemId));
        var summary = await grain.GetAsync();
        Assert.Equal(2_500, summary!.ItemCount);
        Assert.Equal(items.Sum(i => i.Duration), summary.TotalDuration, 6);
    }

    [Fact]
    public async Task Upload_order_is_kept_even_when_ids_do_not_sort_that_way()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("order", DatasetKind.Sound);
        await grain.AddItemsAsync([Item("zeta", 1), Item("alpha", 2)]);
        await grain.AddItemsAsync([Item("mid", 3), Item("alpha", 4)]);

        Assert.Equal(["zeta", "alpha", "mid"], (await grain.GetAllItemsAsync()).Select(i => i.ItemId));
        Assert.Equal(["alpha", "mid"], (await grain.GetItemsAsync(1, 10)).Items.Select(i => i.ItemId));
        Assert.Equal(4.25, (await grain.GetItemAsync("alpha"))!.Duration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Replacing_by_id_across_pages_keeps_places_count_and_updates_duration(bool minted)
    {
        var (grain, items) = await CreateAsync(2_300, batch: 1_000, minted);
        var changed = new[] { items[3], items[999], items[1_000], items[2_299] }.Select(i => i with { Labels = ["relabelled"], Duration = i.Duration + 1 }).ToArray();
        var fresh = Item(minted ? "brand-new" : "fresh-item", 7);

        var summary = await grain.AddItemsAsync([.. changed, fresh]);

        Assert.Equal(2_301, summary.ItemCount);
        Assert.Equal(items.Sum(i => i.Duration) + 4 + fresh.Duration, summary.TotalDuration, 6);
        var all = await grain.GetAllItemsAsync();
        Assert.Equal(items.Select(i => i.ItemId).Append(fresh.ItemId), all.Select(i => i.ItemId));
        foreach (var c in changed)
        {
            Assert.Equal(["relabelled"], (await grain.GetItemAsync(c.ItemId))!.Labels);
        }

        Assert.Equal(["relabelled"], all[1_000].Labels);
        Assert.Equal(fresh.Duration, (await grain.GetItemAsync(fresh.ItemId))!.Duration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetItemsById_answers_across_pages_in_the_order_given_without_unknown_ids(bool minted)
    {
        var (grain, items) = await CreateAsync(2_100, batch: 700, minted);
        string[] ids = [items[2_050].ItemId, "unknown", items[5].ItemId, items[1_500].ItemId, "7-0123456789ab", "0-0123456789ab", items[5].ItemId];

        var found = await grain.GetItemsByIdAsync(ids);

        Assert.Equal([items[2_050].ItemId, items[5].ItemId, items[1_500].ItemId, items[5].ItemId], found.Select(i => i.ItemId));
        Assert.Equal(items[1_500], found[2] with { Labels = items[1_500].Labels });
        Assert.Empty(await grain.GetItemsByIdAsync([]));
    }

    [Fact]
    public async Task Minted_ids_name_their_page_and_a_made_up_one_still_works()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("minted", DatasetKind.Sound);

        var ids = await grain.NewItemIdsAsync(1_200);
        Assert.Equal(1_200, ids.Distinct().Count());
        Assert.All(ids.Take(PageSize), i => Assert.StartsWith("0-", i, StringComparison.Ordinal));
        Assert.All(ids.Skip(PageSize), i => Assert.StartsWith("1-", i, StringComparison.Ordinal));
        Assert.True(DatasetGrain.IsMinted(ids[0], out var page) && page == 0);
        Assert.False(DatasetGrain.IsMinted("item0001", out _));

        // Only the second half is added; the reserved slots of the rest stay holes.
        await grain.AddItemsAsync(ids.Skip(600).Select((x, n) => Item(x, n)).ToArray());
        // A caller-chosen id shaped like a minted one, for a page that does not exist yet, goes through the index.
        await grain.AddItemsAsync([Item("9-00000000000a", 1)]);
        // It took the next free slot of the last page, which later reservations skip.
        Assert.StartsWith("1-", (await grain.NewItemIdsAsync(1))[0], StringComparison.Ordinal);

        var summary = await grain.GetAsync();
        Assert.Equal(601, summary!.ItemCount);
        Assert.Equal(1.25, (await grain.GetItemAsync("9-00000000000a"))!.Duration);
        Assert.Equal(ids[600], (await grain.GetItemsAsync(0, 1)).Items[0].ItemId);
        Assert.Equal(ids[1_000], (await grain.GetItemsAsync(400, 1)).Items[0].ItemId);
        Assert.Null(await grain.GetItemAsync(ids[0]));
        Assert.Equal(ids.Skip(600).Append("9-00000000000a"), (await grain.GetAllItemsAsync()).Select(i => i.ItemId));
    }

    [Fact]
    public async Task State_writes_stay_bounded_while_the_dataset_grows()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("big", DatasetKind.Sound);
        var written = new List<(int Items, long Largest, long DatasetState)>();
        for (var batch = 0; batch < 10; batch++)
        {
            var ids = await grain.NewItemIdsAsync(500);
            await grain.AddItemsAsync(ids.Select((x, n) => Item(x, batch * 500 + n)).ToArray());
            // Every state of this dataset as stored now: a page's blob is its last write, so the largest blob after
            // each batch is the largest write so far.
            var blobs = await StateBlobsAsync(id);
            written.Add(((batch + 1) * 500, blobs.Max(b => b.Length), blobs.Single(b => b.Key.Contains("/dataset/", StringComparison.Ordinal)).Length));
        }

        var one = await StateBlobsAsync(id);
        var pageBlobs = one.Where(b => b.Key.Contains("/datasetPage/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, pageBlobs.Length);
        var fullPage = pageBlobs.Max(b => b.Length);
        var total = one.Sum(b => b.Length);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", written.Select(w => $"{w.Items} items: largest {w.Largest} B, dataset {w.DatasetState} B")) + $"; all states {total} B");
        // The largest write is one full page — a fifth of the data, and the same at 1,000 items as at 5,000 — where a
        // single-state dataset would write all 5,000 items at once.
        Assert.All(written, w => Assert.True(w.Largest <= fullPage, $"{w.Items} items: a {w.Largest} B write, more than one full page ({fullPage} B)"));
        Assert.True(fullPage * 4 < total, $"one page {fullPage} B of {total} B");
        Assert.True(written[^1].Largest < written[1].Largest * 1.1, $"largest write {written[1].Largest} B at 1,000 items, {written[^1].Largest} B at 5,000");
        // The dataset's own state is a summary: far below one item per 10 bytes, and it hardly grows.
        Assert.All(written, w => Assert.True(w.DatasetState < 1_024, $"dataset state {w.DatasetState} B at {w.Items} items"));
        Assert.True(written[^1].DatasetState - written[0].DatasetState < 64, $"dataset state grew {written[0].DatasetState} → {written[^1].DatasetState} B");
        Assert.DoesNotContain(one, b => b.Key.Contains("/datasetIds/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dataset_stored_whole_before_pages_is_moved_into_pages_on_activation()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        var items = Enumerable.Range(0, 1_234).Select(n => Item($"old{1_233 - n:D4}", n)).ToArray();
        var legacy = new DatasetState
        {
            Name = "legacy",
            Kind = DatasetKind.Music,
            CreatedAt = DateTimeOffset.UtcNow,
            // Arrays, as the silo's deserializer makes them (Json.NET refuses compiler-made list types).
            Items = items.ToDictionary(i => i.ItemId, i => i with { Labels = i.Labels.ToArray() }, StringComparer.Ordinal),
        };
        var storage = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.GrainState);
        await storage.WriteStateAsync("dataset", grain.GetGrainId(), new GrainState<DatasetState>(legacy));

        var summary = await grain.GetAsync();

        Assert.Equal(1_234, summary!.ItemCount);
        Assert.Equal(items.Sum(i => i.Duration), summary.TotalDuration, 6);
        Assert.Equal(1_234, summary.CaptionedCount);
        // The old order was by id; it is kept as the upload order.
        Assert.Equal(items.Select(i => i.ItemId).Order(StringComparer.Ordinal), (await grain.GetAllItemsAsync()).Select(i => i.ItemId));
        Assert.Equal(7.25, (await grain.GetItemAsync("old1226"))!.Duration);
        var blobs = await StateBlobsAsync(id);
        Assert.True(blobs.Single(b => b.Key.Contains("/dataset/", StringComparison.Ordinal)).Length < 1_024);
    }

    [Fact]
    public async Task Captioned_and_scoring_counts_follow_adds_and_replacements_and_the_preflight_answers_from_them()
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("tallied", DatasetKind.Music);
        // 1,500 captioned items over two pages, then 4 references/estimates without captions.
        var captioned = Enumerable.Range(0, 1_500).Select(n => Item($"c{n:D4}", n)).ToArray();
        await grain.AddItemsAsync(captioned);
        var scoring = Enumerable.Range(0, 4).Select(n => Scoring($"s{n}", n % 2 == 0 ? "reference" : "estimate")).ToArray();
        var summary = await grain.AddItemsAsync(scoring);
        Assert.Equal((1_504, 1_500, 4), (summary.ItemCount, summary.CaptionedCount, summary.ScoringItemCount));

        // Replacements move the counts both ways: two items lose their caption (one on each page), one gains a role,
        // one reference becomes a plain item with a caption.
        summary = await grain.AddItemsAsync(
        [
            captioned[3] with { Caption = null },
            captioned[1_200] with { Caption = "  " },
            captioned[7] with { Metadata = Role("estimate") },
            scoring[0] with { Metadata = null, Caption = "now a mixture" },
        ]);
        Assert.Equal((1_504, 1_499, 4), (summary.ItemCount, summary.CaptionedCount, summary.ScoringItemCount));
        var all = await grain.GetAllItemsAsync();
        Assert.Equal(all.Count(i => !string.IsNullOrWhiteSpace(i.Caption)), summary.CaptionedCount);
        Assert.Equal(all.Count(i => i.Metadata?.GetValueOrDefault("role") is "\"reference\"" or "\"estimate\""), summary.ScoringItemCount);

        // The preflight's capacities are those counts under each op's rules.
        var validation = await fixture.Client.GetGrain<IOperationCatalogGrain>(0).ValidateAsync(new JobSpec(id, 1,
            [new OperationSpec("caption_mix", """{"count": 5000, "maxUses": 2}"""), new OperationSpec("separate", "{}")], new OutputSpec()));
        Assert.Equal(1_499, validation.Steps[0].Capacity); // ⌊1,499 · 2 / 2⌋, fewer than 1,499 · 1,498 / 2 distinct pairs
        Assert.Contains("1499 captioned items", validation.Steps[0].Basis, StringComparison.Ordinal);
        Assert.Equal(1_504 - 4, validation.Steps[1].Capacity);
        Assert.Contains(validation.Errors, e => e.StartsWith("caption_mix: count 5000 is more than the dataset can supply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dataset_saved_before_tallies_counts_its_items_once_on_activation()
    {
        // Pages and summary as the previous version stored them: no tally.
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        var items = Enumerable.Range(0, 10).Select(n => n < 3 ? Scoring($"s{n}", "reference") : Item($"c{n}", n)).ToArray();
        var storage = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.GrainState);
        var page = fixture.Client.GetGrain<IDatasetPageGrain>(DatasetGrainKeys.Page(id, 0));
        await storage.WriteStateAsync("datasetPage", page.GetGrainId(), new GrainState<DatasetPageState>(new DatasetPageState { Items = [.. items.Select(i => i with { Labels = i.Labels.ToArray() })] }));
        var saved = new DatasetState { Name = "before tallies", Kind = DatasetKind.Sound, CreatedAt = DateTimeOffset.UtcNow, PageCounts = [10], LastPageUsed = 10 };
        await storage.WriteStateAsync("dataset", grain.GetGrainId(), new GrainState<DatasetState>(saved));

        var summary = await grain.GetAsync();

        Assert.Equal((10, 7, 3), (summary!.ItemCount, summary.CaptionedCount, summary.ScoringItemCount));
        summary = await grain.AddItemsAsync([Item("c11", 11)]);
        Assert.Equal((11, 8, 3), (summary.ItemCount, summary.CaptionedCount, summary.ScoringItemCount));
    }

    private static DatasetItem Scoring(string id, string role) => Item(id, 1) with { Caption = null, Metadata = Role(role) };

    private static Dictionary<string, string> Role(string role) => new(StringComparer.Ordinal) { ["group"] = "\"g1\"", ["role"] = $"\"{role}\"", ["source"] = "\"bass\"" };

    private async Task<(IDatasetGrain Grain, DatasetItem[] Items)> CreateAsync(int count, int batch, bool minted = false)
    {
        var id = TestData.NewKey("ds");
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);
        await grain.CreateAsync("paged", DatasetKind.Sound);
        var items = new List<DatasetItem>(count);
        for (var start = 0; start < count; start += batch)
        {
            var n = Math.Min(batch, count - start);
            // Caller-chosen ids that sort against upload order, or ids the dataset minted.
            var ids = minted ? await grain.NewItemIdsAsync(n) : Enumerable.Range(start, n).Select(i => $"item{count - i:D6}").ToArray();
            var added = ids.Select((x, k) => Item(x, start + k)).ToArray();
            await grain.AddItemsAsync(added);
            items.AddRange(added);
        }

        return (grain, items.ToArray());
    }

    private async Task<List<AudioMix.Storage.BlobProperties>> StateBlobsAsync(string datasetId)
    {
        var blobs = new List<AudioMix.Storage.BlobProperties>();
        await foreach (var blob in fixture.Store.ListAsync("grainstate/"))
        {
            if (blob.Key.Contains(datasetId, StringComparison.Ordinal))
            {
                blobs.Add(blob);
            }
        }

        return blobs;
    }

    private static DatasetItem Item(string id, int n) => new(
        id, $"clips/{n:D6}.wav", $"datasets/x/items/{id}.wav", $"{n:x64}", "wav/pcm_s16le", 32_000 + n, n % 50 + 0.25, 16000, 1,
        -23.5, -3.25, [n % 2 == 0 ? "dog" : "cat"], $"a caption for clip {n}", null);
}
