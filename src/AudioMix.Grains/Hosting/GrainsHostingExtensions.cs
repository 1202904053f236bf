using AudioMix.Grains.Audio;
using AudioMix.Grains.Compute;
using AudioMix.Grains.Jobs;
using AudioMix.Grains.Operations;
using AudioMix.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
        silo.AddBlobGrainStorage(StorageNames.GrainState);
        silo.AddStartupTask<ResumeJobsStartupTask>();
        var services = silo.Services;
        services.AddSingleton(_ => new ComputeLimiter());
        services.AddSingleton<BlobAudio>();
        services.AddSingleton<IJobOperation, MixupOperation>();
        services.AddSingleton<IJobOperation, SeparateOperation>();
        services.AddSingleton<IJobOperation, SegmentVocalsOperation>();
        services.AddSingleton<JobOperationRegistry>();
        return silo;
    }
}
