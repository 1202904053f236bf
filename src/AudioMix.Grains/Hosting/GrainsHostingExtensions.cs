using AudioMix.Audio.Torch;
using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Datasets;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Jobs.Sharding;
using AudioMix.Grains.Operations;
using AudioMix.Grains.Previews;
using AudioMix.Models;
using AudioMix.Storage;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace AudioMix.Grains.Hosting;

/// <summary>Registers AudioMix's grains and what they need on a silo.</summary>
public static class GrainsHostingExtensions
{
    /// <summary>
    /// Adds the grain-state provider (blob storage, over the <c>IBlobStore</c> the host registers),
    /// the compute limiter, the augmentation operations and the job-resume startup task.
    /// </summary>
    public static ISiloBuilder AddAudioMixGrains(this ISiloBuilder silo)
    {
        // One unit per core runs at a time (ComputeLimiter), so each gets one libtorch thread unless configured
        // otherwise (AudioMix:Compute:TorchThreadsPerUnit; OMP_NUM_THREADS set by the operator wins).
        var torchThreads = silo.Configuration.GetValue("AudioMix:Compute:TorchThreadsPerUnit", 1);
        if (torchThreads < 1)
        {
            throw new ArgumentException($"AudioMix:Compute:TorchThreadsPerUnit must be at least 1 (got {torchThreads}).");
        }

        var threadLimit = TorchRuntime.LimitIntraOpThreads(torchThreads);

        // oneDNN's AVX-512 convolutions returned non-finite values on an AVX-512 AMD EPYC (see TorchRuntime.LimitOneDnnIsa):
        // capped before libtorch loads unless configured otherwise (ONEDNN_MAX_CPU_ISA set by the operator wins).
        var isa = TorchLimits.ReadOneDnnIsa(silo.Configuration[TorchLimits.OneDnnIsaKey]);
        var isaLimit = isa.Equals(TorchLimits.NoCap, StringComparison.OrdinalIgnoreCase) ? (TorchRuntime.ThreadLimit?)null : TorchRuntime.LimitOneDnnIsa(isa);
        silo.Services.AddSingleton(new TorchLimits(torchThreads, threadLimit, isa, isaLimit));
        silo.Services.AddHostedService<TorchLimitsReport>();

        // Learned models on CUDA (AudioMix:Compute:Device=cuda) fail the silo's start by name when CUDA is not usable.
        if (ComputeDevice.IsCuda(silo.Configuration[ComputeDevice.Key]))
        {
            ComputeDevice.EnsureCuda();
            silo.Services.PostConfigure<ModelStoreOptions>(o => o.UseCuda = true);
        }

        NativeHeap.KeepLargeBuffers();
        // Deleting a dataset or a job clears its grains' state: that must remove the state blobs, not leave empty ones.
        silo.AddBlobGrainStorage(StorageNames.GrainState, o => o.DeleteStateOnClear = true);
        silo.AddStartupTask<ResumeJobsStartupTask>();
        var services = silo.Services;
        services.AddOptions<JobEngineOptions>()
            .Bind(silo.Configuration.GetSection(JobEngineOptions.Section))
            .Validate(o => o.Validate())
            .ValidateOnStart();
        services.AddOptions<AnalysisSweepOptions>()
            .Bind(silo.Configuration.GetSection(AnalysisSweepOptions.Section))
            .Validate(o => o.Validate())
            .ValidateOnStart();
        services.AddPlacementDirector<ChosenSiloPlacement, ChosenSiloPlacementDirector>();
        services.AddHostedService<JobWatchdog>();
        services.AddSingleton(_ => new ComputeLimiter());
        // Decoded dataset items kept per silo (AudioMix:Compute:SourceCacheMegabytes, default 256; 0 turns it off).
        var cacheMegabytes = silo.Configuration.GetValue("AudioMix:Compute:SourceCacheMegabytes", 256L);
        if (cacheMegabytes is < 0 or > 1_048_576)
        {
            throw new ArgumentException($"AudioMix:Compute:SourceCacheMegabytes must be between 0 and 1048576 (got {cacheMegabytes}).");
        }

        services.AddSingleton(new DecodedAudioCache(cacheMegabytes * 1024 * 1024));
        services.AddOptions<DecodingOptions>()
            .Bind(silo.Configuration.GetSection(DecodingOptions.Section))
            .Validate(o => o.Validate())
            .ValidateOnStart();
        services.AddSingleton(sp => new BlobAudio(
            sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<DecodedAudioCache>(), sp.GetRequiredService<IOptions<DecodingOptions>>().Value.Limits));
        services.AddSingleton<IJobOperation, MixupOperation>();
        services.AddCaptionMix(silo.Configuration);
        services.AddSingleton<BeatAnalysisCache>();
        services.AddSingleton<IJobOperation, BeatSyncMixupOperation>();
        services.AddSingleton<IJobOperation, ScoreOperation>();
        services.AddSingleton<IJobOperation, SeparateOperation>();
        services.AddModels(silo.Configuration);
        services.AddSingleton<IJobOperation, SegmentVocalsOperation>();
        services.AddSingleton<IJobOperation, DetectSpeechOperation>();
        services.AddSingleton<JobOperationRegistry>();
        services.AddSingleton<JobPreflight>();
        services.AddSingleton<PreviewRenderer>();
        return silo;
    }
}
