using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AudioMix.Abstractions.Datasets;
using AudioMix.Grains.Hosting;
using AudioMix.Storage;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AudioMix.Benchmarks;

/// <summary>
/// Datasets at scale, on an in-process silo over the filesystem store: the time to add a 1,000-item batch and to read
/// a page of 100 at a random offset, on a dataset of 100,000 items against the same on one of 1,000 items (the
/// reference, measured in the same run). Items are synthetic (no audio): this times the grains and their state only.
/// Page reads at random offsets of the large dataset mostly activate a page grain that is not yet in memory (a
/// state read), while the small dataset's two pages stay active: that difference is part of what is measured.
/// </summary>
internal static class DatasetScaleBenchmarks
{
    private const int Batch = 1000;
    private const int TimedAdds = 5;
    private const int TimedPages = 50;

    public static async Task RunAsync(BenchmarkHarness harness, int large)
    {
        var inv = CultureInfo.InvariantCulture;
        using var host = InProcessSilo(Path.Combine(harness.Folder, "dataset-scale"));
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        Console.WriteLine(string.Create(inv, $"Dataset scale — add a {Batch}-item batch and read a page of 100 at a random offset (median of {TimedAdds} adds, {TimedPages} pages), in-process silo, filesystem store"));
        // Warm-up long enough for tiered JIT to settle (the large fill would otherwise warm only its own run).
        await MeasureAsync(grains, 20 * Batch);
        var (smallAdd, smallPage) = await MeasureAsync(grains, Batch);
        var (largeAdd, largePage) = await MeasureAsync(grains, large);
        Console.WriteLine(string.Create(inv,
            $"{"dataset add (1000 items)",-34} {large:N0} items {largeAdd.TotalMilliseconds,8:0.0} ms | {Batch:N0} items {smallAdd.TotalMilliseconds,8:0.0} ms | {large:N0}/{Batch:N0} {largeAdd / smallAdd:0.00}x"));
        Console.WriteLine(string.Create(inv,
            $"{"dataset page (100 items)",-34} {large:N0} items {largePage.TotalMilliseconds,8:0.000} ms | {Batch:N0} items {smallPage.TotalMilliseconds,8:0.000} ms | {large:N0}/{Batch:N0} {largePage / smallPage:0.00}x"));
        await host.StopAsync();
    }

    /// <summary>Fills a dataset to <paramref name="size"/> items, then times further adds and random page reads.</summary>
    private static async Task<(TimeSpan Add, TimeSpan Page)> MeasureAsync(IGrainFactory grains, int size)
    {
        var dataset = grains.GetGrain<IDatasetGrain>($"scale-{size}-{Guid.NewGuid():N}");
        await dataset.CreateAsync($"scale {size}", DatasetKind.Sound);
        var n = 0;
        while (n < size)
        {
            n = await AddBatchAsync(dataset, n);
        }

        var adds = new List<TimeSpan>();
        for (var i = 0; i < TimedAdds; i++)
        {
            var clock = Stopwatch.StartNew();
            n = await AddBatchAsync(dataset, n);
            adds.Add(clock.Elapsed);
        }

        var random = new Random(7);
        var pages = new List<TimeSpan>();
        await dataset.GetItemsAsync(0, 100);
        for (var i = 0; i < TimedPages; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await dataset.GetItemsAsync(random.Next(n - 100), 100);
            pages.Add(clock.Elapsed);
            if (page.Items.Count != 100)
            {
                throw new InvalidOperationException($"a page of {page.Items.Count} items, 100 expected");
            }
        }

        return (Median(adds), Median(pages));
    }

    private static async Task<int> AddBatchAsync(IDatasetGrain dataset, int first)
    {
        var ids = await dataset.NewItemIdsAsync(Batch);
        var items = ids.Select((id, k) => new DatasetItem(
            id, $"clips/{first + k:D6}.wav", $"datasets/scale/items/{id}.wav", $"{first + k:x64}", "wav/pcm_s16le", 88_244, 1.0, 44100, 2,
            -23.0, -1.0, ["dog"], "a dog barks twice", null)).ToArray();
        var summary = await dataset.AddItemsAsync(items);
        return summary.ItemCount;
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>An in-process silo with the AudioMix grains over the filesystem store at <paramref name="root"/> (not started).</summary>
    internal static IHost InProcessSilo(string root)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddAudioMixBlobStore(o =>
        {
            o.Provider = BlobStoreProvider.FileSystem;
            o.RootPath = root;
        });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.AddAudioMixGrains();
        });
        return builder.Build();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
