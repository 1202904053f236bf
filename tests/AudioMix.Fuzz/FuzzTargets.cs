using System.Text;
using System.Text.Json;
using AudioMix.Abstractions.Datasets;
using AudioMix.Audio;
using AudioMix.Audio.Codecs;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Operations;
using AudioMix.Storage;
using AudioMix.Web.Apis;
using AudioMix.Web.Hosting;
using AudioMix.Web.Services;
using Microsoft.Extensions.Options;

namespace AudioMix.Fuzz;

/// <summary>
/// The fuzz targets: each feeds one input to one of AudioMix's parsers the way the product does, and lets through only
/// the exceptions the product turns into a clear refusal (the ones its callers catch and report by name). Any other
/// exception — or a crash, hang or runaway allocation — is a finding: the product would answer it with a 500 or worse.
/// </summary>
internal static class FuzzTargets
{
    // Nothing here may run instrumented code (AudioMix.*) before SharpFuzz's loop has set up the coverage map (it would
    // write through an unmapped pointer): the static state is created lazily, on the first input.
    private static readonly Lazy<JsonSerializerOptions> Json = new(ApiJson.Create);

    private static readonly Lazy<JobOperationRegistry> Operations = new(CreateRegistry);

    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["wav"] = Wav,
        ["zip"] = Zip,
        ["targz"] = TarGz,
        ["metadata"] = Metadata,
        ["recipe"] = Recipe,
    };

    /// <summary>The WAV reader (RIFF/RF64 header and sample decoding), seekable and forward-only as uploads and blobs are.</summary>
    public static void Wav(byte[] data)
    {
        foreach (var seekable in new[] { true, false })
        {
            try
            {
                // Forward-only as an upload or a blob stream is (short reads are the WAV tests' ForwardOnlyStream's job).
                Stream stream = seekable ? new MemoryStream(data, writable: false) : new CountingReadStream(new MemoryStream(data, writable: false), _ => { });
                using var reader = new WavReader(stream, "fuzz.wav");
                var block = new float[1024 * reader.Info.Channels];
                while (reader.Read(block) > 0)
                {
                }
            }
            catch (AudioFormatException)
            {
            }
        }
    }

    /// <summary>The upload's zip reader with its entry handling (names, metadata files, entry data), as DatasetUploadService runs it.</summary>
    public static void Zip(byte[] data) => Archive(data, ArchiveKind.Zip);

    /// <summary>The upload's tar.gz reader, as <see cref="Zip"/>.</summary>
    public static void TarGz(byte[] data) => Archive(data, ArchiveKind.TarGz);

    /// <summary>metadata.jsonl / metadata.csv parsing; the first byte picks the format.</summary>
    public static void Metadata(byte[] data)
    {
        if (data.Length == 0)
        {
            return;
        }

        var name = (data[0] & 1) == 0 ? "metadata.jsonl" : "metadata.csv";
        try
        {
            DatasetMetadata.Parse(name, Encoding.UTF8.GetString(data, 1, data.Length - 1));
        }
        catch (FormatException)
        {
        }
    }

    /// <summary>
    /// A job submission's JSON: the request body as the API binds it, its shape checked, then every op's parameters
    /// parsed by the op (what the job grain does at submission), for each dataset kind.
    /// </summary>
    public static void Recipe(byte[] data)
    {
        JobsApi.CreateJobRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<JobsApi.CreateJobRequest>(data, Json.Value);
        }
        catch (JsonException)
        {
            return;
        }

        if (request is null)
        {
            return;
        }

        try
        {
            var spec = JobsApi.ToSpec(request);
            foreach (var kind in Enum.GetValues<DatasetKind>())
            {
                try
                {
                    _ = Operations.Value.Parse(spec.Operations, kind).Sum(s => s.Params.MaxUnits(1000));
                }
                catch (ArgumentException)
                {
                }
            }
        }
        catch (ArgumentException)
        {
        }
    }

    private static void Archive(byte[] data, ArchiveKind kind)
    {
        try
        {
            using var content = new MemoryStream(data, writable: false);
            // Small limits, so an input that tries to expand without bound trips them quickly.
            var limits = new ArchiveLimits(MaxExpandedBytes: 4 * 1024 * 1024, MaxEntries: 256);
            var read = kind == ArchiveKind.Zip
                ? ArchiveReader.ReadZipAsync("fuzz.zip", content, limits, HandleEntryAsync, CancellationToken.None)
                : ArchiveReader.ReadTarGzAsync("fuzz.tar.gz", content, limits, HandleEntryAsync, CancellationToken.None);
            read.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (DatasetUploadService.IsDamagedArchive(ex) || ex is ArchiveLimitException)
        {
        }
    }

    private static async Task HandleEntryAsync(ArchiveEntry entry, Stream data)
    {
        var (kind, path) = ArchiveEntries.Classify(entry.Name);
        if (kind == ArchiveEntryKind.Metadata && entry.IsRegularFile)
        {
            try
            {
                DatasetMetadata.Parse(path, await DatasetUploadService.ReadTextAsync(data, CancellationToken.None));
            }
            catch (FormatException)
            {
            }

            return;
        }

        await data.CopyToAsync(Stream.Null);
    }

    // An empty models folder: "detector": "auto" then parses as rms, and a "silero" recipe parses without loading the model.
    private static readonly SiloModels Models = new(Options.Create(new AudioMix.Models.ModelStoreOptions
    {
        Path = Path.Combine(Path.GetTempPath(), "audiomix-fuzz-models"),
    }));

    private static JobOperationRegistry CreateRegistry()
    {
        // Parsing touches none of the ops' services; they exist only because the ops' constructors ask for them.
        var audio = new BlobAudio(new FileSystemBlobStore(Path.Combine(Path.GetTempPath(), "audiomix-fuzz-store")));
        IJobOperation[] ops =
        [
            new MixupOperation(audio),
            new BeatSyncMixupOperation(audio, new BeatAnalysisCache(audio, new ComputeLimiter(1))),
            new CaptionMixOperation(audio, new CaptionMergers(Options.Create(new AudioMix.Captions.Merging.LlmCaptionMergerOptions()))),
            new ScoreOperation(audio, null!),
            new SeparateOperation(audio, Models),
            new SegmentVocalsOperation(audio, Models),
            new DetectSpeechOperation(audio, Models),
        ];
        return new JobOperationRegistry(ops);
    }
}
