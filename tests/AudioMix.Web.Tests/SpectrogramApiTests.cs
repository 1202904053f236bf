using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AudioMix.Storage;
using AudioMix.Web.Tests.Infrastructure;

namespace AudioMix.Web.Tests;

/// <summary>Waveform + log-mel previews of outputs and items: valid PNGs of bounded size, cached by content hash.</summary>
public sealed class SpectrogramApiTests : PlatformTest
{
    [Fact]
    public async Task Outputs_and_items_have_valid_bounded_pngs_rendered_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Factory.CreateClient();
        var store = Store;
        var created = await client.PostAsJsonAsync("/api/datasets", new { name = "previews", kind = "sound" }, ct);
        var datasetId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        using (var form = new MultipartFormDataContent())
        {
            form.Add(WebTestAudio.File(WebTestAudio.Wav(440, seconds: 1.0, seed: 1)), "files", "a.wav");
            form.Add(WebTestAudio.File(WebTestAudio.Wav(1200, rate: 22050, seconds: 0.7, seed: 2)), "files", "b.wav");
            await RestScenario.UploadAsync(client, datasetId, form, ct);
        }

        using var started = await client.PostAsync("/api/jobs", RestScenario.Json($$$"""{"datasetId": "{{{datasetId}}}", "seed": 2, "operations": [{"op": "mixup", "params": {"count": 2}}]}"""), ct);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
        Assert.Equal("completed", (await RestScenario.PollAsync(client, jobId, ct)).GetProperty("state").GetString());

        var first = await PngAsync(client, $"/api/jobs/{jobId}/outputs/0/spectrogram.png", ct);
        AssertPng(first, 800, 200);
        Assert.True(first.Length < 200_000, $"{first.Length} bytes");
        var previews = await KeysAsync(store, $"jobs/{jobId}/previews/", ct);
        Assert.Single(previews);

        // Asked again: the cached image, nothing rendered anew.
        Assert.Equal(first, await PngAsync(client, $"/api/jobs/{jobId}/outputs/0/spectrogram.png", ct));
        Assert.Equal(previews, await KeysAsync(store, $"jobs/{jobId}/previews/", ct));

        // Width is clamped to the bound, whatever is asked.
        AssertPng(await PngAsync(client, $"/api/jobs/{jobId}/outputs/1/spectrogram.png?width=100000", ct), 1200, 200);

        var items = await client.GetFromJsonAsync<JsonElement>($"/api/datasets/{datasetId}/items", ct);
        var itemId = items.GetProperty("items")[0].GetProperty("itemId").GetString()!;
        AssertPng(await PngAsync(client, $"/api/datasets/{datasetId}/items/{itemId}/spectrogram.png?width=300", ct), 300, 200);
        var itemHash = items.GetProperty("items")[0].GetProperty("contentHash").GetString()!;
        Assert.Contains(await KeysAsync(store, $"datasets/{datasetId}/previews/", ct), k => k.StartsWith($"datasets/{datasetId}/previews/{itemHash}-", StringComparison.Ordinal));

        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/jobs/{jobId}/outputs/99/spectrogram.png", ct), HttpStatusCode.NotFound, "99", ct);
        await RestScenario.AssertProblemAsync(await client.GetAsync($"/api/datasets/{datasetId}/items/nosuchitem/spectrogram.png", ct), HttpStatusCode.NotFound, "nosuchitem", ct);
    }

    private static async Task<byte[]> PngAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    /// <summary>
    /// Reads the PNG's chunks independently of the encoder: signature, IHDR (size, 8-bit RGB), every chunk's CRC-32
    /// (bitwise, not the encoder's table), and IDAT inflating to one filter byte plus 3 × width bytes per row.
    /// </summary>
    private static void AssertPng(byte[] png, int width, int height)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var at = 8;
        var types = new List<string>();
        using var idat = new MemoryStream();
        while (at < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), BitwiseCrc(png.AsSpan(at + 4, length + 4)));
            types.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(data));
                Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                Assert.Equal(8, data[8]);
                Assert.Equal(2, data[9]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        Assert.Equal(height * (1 + (3 * width)), raw.Length);

        // Not one flat colour: the spectrogram and waveform drew something.
        var pixels = raw.ToArray();
        Assert.True(pixels.Distinct().Count() > 20);
    }

    private static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

}
