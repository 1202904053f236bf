using AudioMix.Storage.GrainStorage;
using AudioMix.Storage.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace AudioMix.Storage.Tests.GrainStorage;

/// <summary>
/// Conformance of <see cref="BlobGrainStorage"/> with Orleans' grain storage semantics, following the case list of
/// Orleans' GrainStorageTestRunner (dotnet/orleans: src/Orleans.Persistence.TestKit), written here from scratch and
/// run against every blob backend.
/// </summary>
public abstract class GrainStorageConformanceTests
{
    private static readonly ServiceProvider s_services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(CounterState).Assembly))
        .BuildServiceProvider();

    private readonly string _serviceId = "svc-" + Guid.NewGuid().ToString("N")[..8];

    protected abstract IBlobStore Store { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BlobGrainStorage CreateStorage(bool deleteOnClear = false, string? serviceId = null) => new(
        "test",
        new BlobGrainStorageOptions
        {
            GrainStorageSerializer = new OrleansGrainStorageSerializer(s_services.GetRequiredService<Serializer>()),
            DeleteStateOnClear = deleteOnClear,
        },
        Store,
        serviceId ?? _serviceId,
        s_services.GetRequiredService<IActivatorProvider>());

    private static GrainId StringGrain(string key) => GrainId.Create("counter", key);

    private static GrainId NewGrain() => StringGrain(Guid.NewGuid().ToString("N"));

    private static CounterState Sample(int n) => new() { Name = $"state {n}", Count = n, Updated = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMinutes(n) };

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, string stateName, GrainId grain)
    {
        var state = new GrainState<CounterState>();
        await storage.ReadStateAsync(stateName, grain, state, Ct);
        return state;
    }

    [Fact]
    public async Task WriteRead()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));

        await storage.WriteStateAsync("counter", grain, state, Ct);
        Assert.NotNull(state.ETag);
        Assert.True(state.RecordExists);

        var read = await ReadAsync(storage, "counter", grain);
        Assert.Equal(Sample(1), read.State);
        Assert.Equal(state.ETag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task ReadNonExistentState()
    {
        var read = await ReadAsync(CreateStorage(), "counter", NewGrain());

        Assert.NotNull(read.State);
        Assert.Equal(new CounterState(), read.State);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task WriteDuplicateFailsWithInconsistentStateException()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        await storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(1)), Ct);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(2)), Ct));
        Assert.IsType<BlobConditionFailedException>(e.InnerException);
        Assert.Equal(Sample(1), (await ReadAsync(storage, "counter", grain)).State);
    }

    [Fact]
    public async Task WriteInconsistentFailsWithInconsistentStateException()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var first = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, first, Ct);
        var stale = new GrainState<CounterState>(Sample(9)) { ETag = first.ETag };
        await storage.WriteStateAsync("counter", grain, first, Ct);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, stale, Ct));
        Assert.Equal(first.ETag, e.StoredEtag);
        Assert.Equal(Sample(1), (await ReadAsync(storage, "counter", grain)).State);
    }

    [Fact]
    public async Task ClearInconsistentFailsWithInconsistentStateException()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        var staleETag = state.ETag;
        await storage.WriteStateAsync("counter", grain, state, Ct);

        var stale = new GrainState<CounterState>(Sample(1)) { ETag = staleETag };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", grain, stale, Ct));
        Assert.True((await ReadAsync(storage, "counter", grain)).RecordExists);
    }

    [Fact]
    public async Task ClearUpdatesETag()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        var written = state.ETag;

        await storage.ClearStateAsync("counter", grain, state, Ct);

        Assert.NotNull(state.ETag);
        Assert.NotEqual(written, state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(new CounterState(), state.State);
    }

    [Fact]
    public async Task WriteClearWrite()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        await storage.ClearStateAsync("counter", grain, state, Ct);

        state.State = Sample(3);
        await storage.WriteStateAsync("counter", grain, state, Ct);

        var read = await ReadAsync(storage, "counter", grain);
        Assert.Equal(Sample(3), read.State);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task ReadAfterClear()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        await storage.ClearStateAsync("counter", grain, state, Ct);

        var read = await ReadAsync(storage, "counter", grain);

        Assert.False(read.RecordExists);
        Assert.Equal(new CounterState(), read.State);
        // The cleared record keeps a version, so a writer that missed the clear is still refused.
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task MultipleClearOperations()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);

        var etags = new HashSet<string?> { state.ETag };
        for (var i = 0; i < 3; i++)
        {
            await storage.ClearStateAsync("counter", grain, state, Ct);
            Assert.True(etags.Add(state.ETag), "every clear yields a new ETag");
            Assert.False(state.RecordExists);
        }

        Assert.False((await ReadAsync(storage, "counter", grain)).RecordExists);
    }

    [Fact]
    public async Task ClearBeforeWrite()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = await ReadAsync(storage, "counter", grain);

        await storage.ClearStateAsync("counter", grain, state, Ct);
        Assert.False(state.RecordExists);

        state.State = Sample(4);
        await storage.WriteStateAsync("counter", grain, state, Ct);
        Assert.Equal(Sample(4), (await ReadAsync(storage, "counter", grain)).State);
    }

    [Fact]
    public async Task StateNamesUseIndependentRecords()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        await storage.WriteStateAsync("first", grain, new GrainState<CounterState>(Sample(1)), Ct);
        await storage.WriteStateAsync("second", grain, new GrainState<CounterState>(Sample(2)), Ct);

        Assert.Equal(Sample(1), (await ReadAsync(storage, "first", grain)).State);
        Assert.Equal(Sample(2), (await ReadAsync(storage, "second", grain)).State);
        Assert.False((await ReadAsync(storage, "third", grain)).RecordExists);
    }

    [Fact]
    public async Task ServiceIdsUseIndependentRecords()
    {
        var grain = NewGrain();
        await CreateStorage(serviceId: _serviceId + "-a").WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(1)), Ct);

        Assert.False((await ReadAsync(CreateStorage(serviceId: _serviceId + "-b"), "counter", grain)).RecordExists);
    }

    [Fact]
    public async Task WriteWithSameValuesUpdatesETag()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        var first = state.ETag;

        await storage.WriteStateAsync("counter", grain, state, Ct);

        Assert.NotEqual(first, state.ETag);
        Assert.Equal(state.ETag, (await ReadAsync(storage, "counter", grain)).ETag);
    }

    [Fact]
    public async Task WriteReadWriteReadStatesInParallel()
    {
        var storage = CreateStorage();
        var grains = Enumerable.Range(0, 24).Select(_ => NewGrain()).ToArray();

        await Task.WhenAll(grains.Select((grain, i) => Task.Run(async () =>
        {
            var state = new GrainState<CounterState>(Sample(i));
            await storage.WriteStateAsync("counter", grain, state, Ct);
            Assert.Equal(Sample(i), (await ReadAsync(storage, "counter", grain)).State);
            state.State = Sample(i + 100);
            await storage.WriteStateAsync("counter", grain, state, Ct);
            Assert.Equal(Sample(i + 100), (await ReadAsync(storage, "counter", grain)).State);
        })));
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("with/slash and space")]
    [InlineData("../../etc/passwd")]
    [InlineData("ünïcode ✓ #?%")]
    [InlineData(".hidden.")]
    public async Task String_keys_round_trip(string key)
    {
        var storage = CreateStorage();
        var grain = StringGrain(key);

        await storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(5)), Ct);

        Assert.Equal(Sample(5), (await ReadAsync(storage, "counter", grain)).State);
        Assert.True(BlobKey.IsValid(storage.GetBlobKey("counter", grain)));
        Assert.StartsWith($"grainstate/{_serviceId}/counter/counter/", storage.GetBlobKey("counter", grain), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_string_keys_stay_distinct()
    {
        var storage = CreateStorage();
        var prefix = new string('k', 400);
        var a = StringGrain(prefix + "a");
        var b = StringGrain(prefix + "b");

        await storage.WriteStateAsync("counter", a, new GrainState<CounterState>(Sample(1)), Ct);
        await storage.WriteStateAsync("counter", b, new GrainState<CounterState>(Sample(2)), Ct);

        Assert.NotEqual(storage.GetBlobKey("counter", a), storage.GetBlobKey("counter", b));
        Assert.Equal(Sample(1), (await ReadAsync(storage, "counter", a)).State);
        Assert.Equal(Sample(2), (await ReadAsync(storage, "counter", b)).State);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(-7L)]
    [InlineData(long.MaxValue)]
    public async Task Integer_keys_round_trip(long key)
    {
        var storage = CreateStorage();
        var grain = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(key));
        var other = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(key, "ext"));

        await storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(6)), Ct);

        Assert.Equal(Sample(6), (await ReadAsync(storage, "counter", grain)).State);
        Assert.False((await ReadAsync(storage, "counter", other)).RecordExists);
    }

    [Fact]
    public async Task Guid_keys_round_trip()
    {
        var storage = CreateStorage();
        var grain = GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));

        await storage.WriteStateAsync("counter", grain, new GrainState<CounterState>(Sample(8)), Ct);

        Assert.Equal(Sample(8), (await ReadAsync(storage, "counter", grain)).State);
    }

    [Fact]
    public async Task Clear_with_DeleteStateOnClear_removes_the_blob_and_nulls_the_etag()
    {
        var storage = CreateStorage(deleteOnClear: true);
        var grain = NewGrain();
        var state = new GrainState<CounterState>(Sample(1));
        await storage.WriteStateAsync("counter", grain, state, Ct);
        var stale = new GrainState<CounterState>(Sample(1)) { ETag = state.ETag };

        await storage.ClearStateAsync("counter", grain, state, Ct);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Null(await Store.GetPropertiesAsync(storage.GetBlobKey("counter", grain), Ct));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, stale, Ct));
        state.State = Sample(2);
        await storage.WriteStateAsync("counter", grain, state, Ct);
        Assert.Equal(Sample(2), (await ReadAsync(storage, "counter", grain)).State);
    }

    [Fact]
    public async Task Corrupt_state_fails_with_a_message_naming_the_blob()
    {
        var storage = CreateStorage();
        var grain = NewGrain();
        var key = storage.GetBlobKey("counter", grain);
        await Store.WriteAsync(key, new MemoryStream([1, 2, 3, 250, 251]), null, Ct);

        var e = await Assert.ThrowsAsync<OrleansException>(() => ReadAsync(storage, "counter", grain));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}

public sealed class FileSystemGrainStorageConformanceTests : GrainStorageConformanceTests, IDisposable
{
    private readonly TempDirectory _root = new();

    public FileSystemGrainStorageConformanceTests()
    {
        Store = new FileSystemBlobStore(_root.Path);
    }

    protected override IBlobStore Store { get; }

    public void Dispose() => _root.Dispose();
}

public sealed class AzureGrainStorageConformanceTests(AzuriteFixture azurite) : GrainStorageConformanceTests
{
    protected override IBlobStore Store { get; } =
        new AzureBlobStore(azurite.ConnectionString, AzuriteFixture.NewContainerName(nameof(AzureGrainStorageConformanceTests)));
}
