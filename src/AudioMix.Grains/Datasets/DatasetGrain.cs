using System.Globalization;
using System.Security.Cryptography;
using AudioMix.Storage;

namespace AudioMix.Grains.Datasets;

/// <summary>
/// One dataset: its bounded summary, and the single writer that decides where every item lives.
/// </summary>
/// <remarks>
/// <para>
/// Items live in page grains (<see cref="IDatasetPageGrain"/>, key <c>{datasetId}/{pageNo}</c>, at most
/// <see cref="IDatasetPageGrain.Capacity"/> items each) in upload order; this grain keeps the name, kind, creation
/// time, total duration and the committed item count of each page. Adding a batch therefore rewrites only the pages
/// it touches (new items go to the last page) and this small summary, whatever the dataset's size; paging walks the
/// per-page counts (one integer per 1,000 items) and reads the one or two pages that hold the range.
/// </para>
/// <para>
/// Finding an item by id: ids minted by <see cref="NewItemIdsAsync"/> (<c>{pageNo}-{12 hex}</c>, what uploads use)
/// name their page, so they need no index. Any other id (callers may choose ids; datasets stored before pages)
/// is mapped to its page by a fixed number of hashed id-index grains (<see cref="IDatasetIdIndexGrain"/>), written
/// when the item is first placed. A minted id whose page is full when it arrives (only when ids were reserved but the
/// reservation was lost, or a caller made one up) goes to the last page and the index, and
/// <see cref="DatasetState.MintedIdsIndexed"/> says from then on that a minted id missing from its page must also be
/// looked up there.
/// </para>
/// <para>
/// Write order is pages, then index, then this summary, which is the commit point: a page ignores items past the
/// count this grain gives it, so a crash in between leaves no half-added items visible (an index entry may point to a
/// page that lacks the item; that reads as absent, and adding the id again places it afresh).
/// </para>
/// </remarks>
internal sealed partial class DatasetGrain(
    [PersistentState("dataset", StorageNames.GrainState)] IPersistentState<DatasetState> state,
    IGrainFactory grains,
    IBlobStore store,
    ILogger<DatasetGrain> logger) : Grain, IDatasetGrain
{
    /// <summary>Id-index buckets per dataset; only ids the dataset did not mint are indexed.</summary>
    internal const int IdBuckets = 16;

    private const int MaxReservation = 10_000;
    private const int PageSize = IDatasetPageGrain.Capacity;

    private string DatasetId => this.GetPrimaryKeyString();

    /// <summary>Created and not being deleted: what every call but <see cref="DeleteAsync"/> treats as "the dataset exists".</summary>
    private bool Exists => state.State.Name is not null && !state.State.Deleting;

    /// <summary>Where uploads store the dataset's audio (<c>datasets/{id}/items/…</c>, see the web upload service).</summary>
    private string BlobFolder => Folder(DatasetId);

    /// <summary>The folder of everything stored for one dataset (its audio, its previews); deleted with it.</summary>
    internal static string Folder(string datasetId) => $"datasets/{datasetId}/";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Items is { } legacy)
        {
            // A dataset stored whole before pages existed: move its items into pages in its old (id) order, then
            // drop the dictionary. Rerunning after a crash is safe: nothing counts until the summary is written.
            var ordered = legacy.Values.OrderBy(i => i.ItemId, StringComparer.Ordinal).ToArray();
            LogMigrating(logger, DatasetId, ordered.Length);
            state.State.PageCounts = [];
            state.State.LastPageUsed = 0;
            state.State.TotalDuration = 0;
            state.State.Tally = ItemTally.Zero;
            foreach (var chunk in ordered.Chunk(PageSize))
            {
                await PlaceAsync(Deduplicate(chunk));
            }

            state.State.Items = null;
            state.State.Tallied = true;
            await state.WriteStateAsync(cancellationToken);
        }
        else if (!state.State.Tallied && state.State.Name is not null)
        {
            // Saved before tallies: count the items once; from now on every page write keeps the tally.
            state.State.Tally = ItemTallies.Sum(await ReadAllItemsAsync());
            state.State.Tallied = true;
            await state.WriteStateAsync(cancellationToken);
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<DatasetSummary> CreateAsync(string name, DatasetKind kind, string? owner = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dataset needs a name.", nameof(name));
        }

        if (state.State.Name is not null)
        {
            throw new InvalidOperationException($"Dataset {DatasetId} already exists.");
        }

        state.State.Name = name.Trim();
        state.State.Kind = kind;
        state.State.Owner = Owners.OrDefault(owner);
        state.State.CreatedAt = DateTimeOffset.UtcNow;
        state.State.Tallied = true;
        await state.WriteStateAsync();
        var summary = Summary();
        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).UpsertAsync(summary);
        return summary;
    }

    public Task<DatasetSummary?> GetAsync() => Task.FromResult(Exists ? Summary() : null);

    public async Task<DatasetSummary?> RenameAsync(string name)
    {
        if (!Exists)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A dataset needs a name.", nameof(name));
        }

        state.State.Name = name.Trim();
        await state.WriteStateAsync();
        var summary = Summary();
        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).UpsertAsync(summary);
        return summary;
    }

    public async Task<DatasetDeletion> DeleteAsync()
    {
        if (state.State.Name is null)
        {
            return new DatasetDeletion(DatasetDeletionOutcome.NotFound, []);
        }

        if (!state.State.Deleting)
        {
            // Refused while unfinished jobs use it: they read its items (planning) and its audio (rendering). This grain
            // handles one call at a time, so no job can read it as existing between this check and the mark below.
            var jobs = await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListAsync();
            var blocking = jobs.Where(j => j.DatasetId == DatasetId && !j.IsFinished).Select(j => j.JobId).ToArray();
            if (blocking.Length > 0)
            {
                return new DatasetDeletion(DatasetDeletionOutcome.InUse, blocking);
            }

            state.State.Deleting = true;
            await state.WriteStateAsync();
        }

        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).RemoveAsync(DatasetId);
        var blobs = await store.DeletePrefixAsync(BlobFolder);
        var pages = state.State.PageCounts.Count;
        await Parallel.ForAsync(0, pages, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (page, _) => await Page(page).ClearAsync());
        await Task.WhenAll(Enumerable.Range(0, IdBuckets).Select(b => IdBucket(b).ClearAsync()));
        LogDeleted(logger, DatasetId, blobs, pages);
        await state.ClearStateAsync();

        // Beat analyses are shared by content across datasets: the sweeper removes those no dataset references now.
        await grains.GetGrain<IAnalysisCacheSweepGrain>(IAnalysisCacheSweepGrain.Key).RequestAsync();
        DeactivateOnIdle();
        return new DatasetDeletion(DatasetDeletionOutcome.Deleted, []);
    }

    public async Task<IReadOnlyList<string>> NewItemIdsAsync(int count)
    {
        EnsureExists();
        if (count is < 0 or > MaxReservation)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Reserve between 0 and {MaxReservation} ids at a time.");
        }

        if (count == 0)
        {
            return [];
        }

        var ids = new List<string>(count);
        foreach (var (page, n) in Allocate(count))
        {
            for (var i = 0; i < n; i++)
            {
                ids.Add(MintedId(page));
            }
        }

        // Persisted so the slots are not promised twice; losing them would only send the late items to the index.
        await state.WriteStateAsync();
        return ids;
    }

    public async Task<DatasetSummary> AddItemsAsync(IReadOnlyList<DatasetItem> items)
    {
        EnsureExists();
        if (items.Count == 0)
        {
            return Summary();
        }

        await PlaceAsync(Deduplicate(items));
        await state.WriteStateAsync();
        var summary = Summary();
        await grains.GetGrain<IDatasetCatalogGrain>(IDatasetCatalogGrain.Key).UpsertAsync(summary);
        return summary;
    }

    public async Task<ItemPage> GetItemsAsync(int offset, int limit)
    {
        EnsureExists();
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, PageSize);
        var counts = state.State.PageCounts;
        var total = ItemCount();

        // Walk the per-page counts (one per 1,000 items) to the first page of the range, then read only the pages
        // that hold it: O(limit) item work, no sorting, nothing else loaded.
        var reads = new List<Task<IReadOnlyList<DatasetItem>>>();
        var skip = offset;
        var remaining = limit;
        for (var page = 0; page < counts.Count && remaining > 0; page++)
        {
            var count = counts[page];
            if (skip >= count)
            {
                skip -= count;
                continue;
            }

            var take = Math.Min(count - skip, remaining);
            reads.Add(Page(page).GetRangeAsync(count, skip, take));
            remaining -= take;
            skip = 0;
        }

        var parts = await Task.WhenAll(reads);
        return new ItemPage(parts.SelectMany(p => p).ToArray(), offset, total);
    }

    public async Task<DatasetItem?> GetItemAsync(string itemId) =>
        !Exists ? null : (await FindAsync([itemId])).GetValueOrDefault(itemId);

    public async Task<IReadOnlyList<DatasetItem>> GetItemsByIdAsync(IReadOnlyList<string> itemIds)
    {
        EnsureExists();
        var found = await FindAsync(itemIds);
        var result = new List<DatasetItem>(found.Count);
        foreach (var id in itemIds)
        {
            if (found.TryGetValue(id, out var item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    public Task<IReadOnlyList<DatasetItem>> GetAllItemsAsync()
    {
        EnsureExists();
        return ReadAllItemsAsync();
    }

    private async Task<IReadOnlyList<DatasetItem>> ReadAllItemsAsync()
    {
        var counts = state.State.PageCounts;
        var parts = await Task.WhenAll(Enumerable.Range(0, counts.Count).Where(p => counts[p] > 0).Select(p => Page(p).GetRangeAsync(counts[p], 0, counts[p])));
        var all = new List<DatasetItem>(ItemCount());
        foreach (var part in parts)
        {
            all.AddRange(part);
        }

        return all;
    }

    /// <summary>
    /// Puts a batch (ids unique) where it belongs: existing items are replaced on their page, minted ids go to the page
    /// they name, everything else is appended to the last page (opening pages as they fill) and indexed. Updates the
    /// in-memory summary; the caller writes it.
    /// </summary>
    private async Task PlaceAsync(List<DatasetItem> batch)
    {
        var pages = state.State.PageCounts;
        var indexed = await LookupIndexAsync(batch.Select(i => i.ItemId).Where(NeedsIndex));
        var byPage = new Dictionary<int, List<DatasetItem>>();
        var unplaced = new List<DatasetItem>();
        foreach (var item in batch)
        {
            if ((indexed.TryGetValue(item.ItemId, out var page) && page < pages.Count) || TryLocate(item.ItemId, out page))
            {
                (byPage.TryGetValue(page, out var list) ? list : byPage[page] = []).Add(item);
            }
            else
            {
                unplaced.Add(item);
            }
        }

        var upserts = byPage.Select(async kv => (Page: kv.Key, Result: await Page(kv.Key).UpsertAsync(pages[kv.Key], kv.Value))).ToArray();
        foreach (var (page, result) in await Task.WhenAll(upserts))
        {
            Record(page, result);
            unplaced.AddRange(result.Rejected);
        }

        // Keep new items in the order they came (rejected ones were collected page by page).
        var order = new Dictionary<string, int>(batch.Count, StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            order[batch[i].ItemId] = i;
        }

        unplaced.Sort((a, b) => order[a.ItemId].CompareTo(order[b.ItemId]));
        var toIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        while (unplaced.Count > 0)
        {
            var next = new List<DatasetItem>();
            var at = 0;
            foreach (var (page, n) in Allocate(unplaced.Count))
            {
                var chunk = unplaced.GetRange(at, n);
                at += n;
                var result = await Page(page).UpsertAsync(pages[page], chunk);
                Record(page, result);
                if (result.Rejected.Count > 0)
                {
                    // The page had less room than promised (a made-up minted id took a slot): close it.
                    state.State.LastPageUsed = PageSize;
                    next.AddRange(result.Rejected);
                }

                var rejected = result.Rejected.Select(r => r.ItemId).ToHashSet(StringComparer.Ordinal);
                foreach (var item in chunk.Where(c => !rejected.Contains(c.ItemId)))
                {
                    toIndex[item.ItemId] = page;
                    state.State.MintedIdsIndexed |= IsMinted(item.ItemId, out _);
                }
            }

            unplaced = next;
        }

        await Task.WhenAll(toIndex.GroupBy(kv => Bucket(kv.Key)).Select(g =>
            IdBucket(g.Key).PutAsync(g.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal))));
    }

    private void Record(int page, PageUpsert result)
    {
        state.State.PageCounts[page] = result.Count;
        state.State.TotalDuration += result.DurationDelta;
        state.State.Tally += result.TallyDelta;
        if (page == state.State.PageCounts.Count - 1)
        {
            state.State.LastPageUsed = Math.Max(state.State.LastPageUsed, result.Count);
        }
    }

    /// <summary>Promises <paramref name="count"/> slots at the end, opening pages as the last one fills.</summary>
    private List<(int Page, int Count)> Allocate(int count)
    {
        var pages = state.State.PageCounts;
        var chunks = new List<(int, int)>();
        while (count > 0)
        {
            if (pages.Count == 0 || state.State.LastPageUsed >= PageSize)
            {
                pages.Add(0);
                state.State.LastPageUsed = 0;
            }

            var n = Math.Min(PageSize - state.State.LastPageUsed, count);
            chunks.Add((pages.Count - 1, n));
            state.State.LastPageUsed += n;
            count -= n;
        }

        return chunks;
    }

    /// <summary>Finds items by id: minted ids on the page they name, others (and, once needed, minted misses) through the index.</summary>
    private async Task<Dictionary<string, DatasetItem>> FindAsync(IReadOnlyList<string> itemIds)
    {
        var found = new Dictionary<string, DatasetItem>(StringComparer.Ordinal);
        var distinct = itemIds.Distinct(StringComparer.Ordinal).ToArray();
        var located = new Dictionary<int, List<string>>();
        var foreign = new List<string>();
        foreach (var id in distinct)
        {
            if (TryLocate(id, out var page))
            {
                (located.TryGetValue(page, out var list) ? list : located[page] = []).Add(id);
            }
            else
            {
                foreign.Add(id);
            }
        }

        await ReadPagesAsync(located, found);
        if (state.State.MintedIdsIndexed)
        {
            foreign.AddRange(distinct.Where(id => !found.ContainsKey(id) && IsMinted(id, out _)).Except(foreign, StringComparer.Ordinal));
        }

        var indexed = await LookupIndexAsync(foreign);
        var viaIndex = new Dictionary<int, List<string>>();
        foreach (var (id, page) in indexed)
        {
            if (page < state.State.PageCounts.Count)
            {
                (viaIndex.TryGetValue(page, out var list) ? list : viaIndex[page] = []).Add(id);
            }
        }

        await ReadPagesAsync(viaIndex, found);
        return found;
    }

    private async Task ReadPagesAsync(Dictionary<int, List<string>> idsByPage, Dictionary<string, DatasetItem> into)
    {
        var counts = state.State.PageCounts;
        var reads = await Task.WhenAll(idsByPage.Select(kv => Page(kv.Key).GetByIdAsync(counts[kv.Key], kv.Value)));
        foreach (var item in reads.SelectMany(r => r))
        {
            into[item.ItemId] = item;
        }
    }

    private async Task<Dictionary<string, int>> LookupIndexAsync(IEnumerable<string> itemIds)
    {
        var lookups = itemIds.GroupBy(Bucket).Select(g => IdBucket(g.Key).LookupAsync(g.ToArray())).ToArray();
        var pages = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in await Task.WhenAll(lookups))
        {
            foreach (var (id, page) in part)
            {
                pages[id] = page;
            }
        }

        return pages;
    }

    /// <summary>Whether placing this id must ask the index where it is.</summary>
    private bool NeedsIndex(string itemId) => !TryLocate(itemId, out _) || state.State.MintedIdsIndexed;

    /// <summary>A minted id naming a page this dataset has opened.</summary>
    private bool TryLocate(string itemId, out int page) => IsMinted(itemId, out page) && page < state.State.PageCounts.Count;

    /// <summary>Minted ids are <c>{pageNo}-{12 lowercase hex}</c>: the page in decimal, then randomness (ids stay unguessable and unique).</summary>
    internal static bool IsMinted(string itemId, out int page)
    {
        page = -1;
        var dash = itemId.IndexOf('-', StringComparison.Ordinal);
        if (dash is < 1 or > 9 || itemId.Length != dash + 13 || (itemId[0] == '0' && dash > 1))
        {
            return false;
        }

        for (var i = dash + 1; i < itemId.Length; i++)
        {
            if (!char.IsAsciiHexDigitLower(itemId[i]))
            {
                return false;
            }
        }

        return int.TryParse(itemId.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out page);
    }

    private static string MintedId(int page) =>
        string.Create(CultureInfo.InvariantCulture, $"{page}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    /// <summary>A stable hash (FNV-1a, then murmur3's finaliser to spread the low bits) picks an id's index bucket.</summary>
    internal static int Bucket(string itemId)
    {
        var h = 2166136261u;
        foreach (var c in itemId)
        {
            h = (h ^ c) * 16777619u;
        }

        h ^= h >> 16;
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
        return (int)(h % IdBuckets);
    }

    /// <summary>Later duplicates of an id win, at the place of its first occurrence.</summary>
    private static List<DatasetItem> Deduplicate(IReadOnlyList<DatasetItem> items)
    {
        var at = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        var batch = new List<DatasetItem>(items.Count);
        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.ItemId))
            {
                throw new ArgumentException($"An item ({item.FileName}) has no id.", nameof(items));
            }

            if (at.TryGetValue(item.ItemId, out var i))
            {
                batch[i] = item;
            }
            else
            {
                at[item.ItemId] = batch.Count;
                batch.Add(item);
            }
        }

        return batch;
    }

    private IDatasetPageGrain Page(int page) => grains.GetGrain<IDatasetPageGrain>(DatasetGrainKeys.Page(DatasetId, page));

    private IDatasetIdIndexGrain IdBucket(int bucket) => grains.GetGrain<IDatasetIdIndexGrain>(DatasetGrainKeys.IdBucket(DatasetId, bucket));

    private int ItemCount() => state.State.PageCounts.Sum();

    private void EnsureExists()
    {
        if (!Exists)
        {
            throw new KeyNotFoundException($"Dataset {DatasetId} does not exist.");
        }
    }

    private DatasetSummary Summary() => new(
        DatasetId,
        state.State.Name!,
        state.State.Kind,
        ItemCount(),
        state.State.TotalDuration,
        state.State.CreatedAt,
        Owners.OrDefault(state.State.Owner),
        state.State.Tally.Captioned,
        state.State.Tally.ScoringMaterial);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Dataset {DatasetId} deleted: {Blobs} blobs, {Pages} pages")]
    private static partial void LogDeleted(ILogger logger, string datasetId, int blobs, int pages);

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Moving the {Count} items of dataset {DatasetId} from its old single state into pages")]
    private static partial void LogMigrating(ILogger logger, string datasetId, int count);
}
