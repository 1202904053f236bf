using System.Collections.Concurrent;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Security;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Services;

/// <summary>A submission refused because its owner already runs <see cref="JobQuotaOptions.MaxActiveJobsPerOwner"/> jobs.</summary>
internal sealed class JobQuotaExceededException(string message) : Exception(message);

/// <summary>
/// Starting a job on behalf of a caller, for the REST API and the dashboard alike: the dataset must be one the caller
/// sees (else it "does not exist"), the job is recorded as the caller's owner's, and in ApiKey mode an owner may have
/// at most <see cref="JobQuotaOptions.MaxActiveJobsPerOwner"/> unfinished jobs — one more is refused before any job
/// exists. Submissions of one owner are serialised on this host so two at once cannot both take the last slot (several
/// web hosts can each let one through: the limit is per host-instant, documented in the README).
/// </summary>
internal sealed class JobSubmissions(IGrainFactory grains, IOptions<JobQuotaOptions> quota, IOptions<AuthOptions> auth)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _owners = new(StringComparer.Ordinal);

    /// <summary>Starts the job under a new id; unknown or unseen datasets throw <see cref="KeyNotFoundException"/>, invalid specs <see cref="ArgumentException"/>.</summary>
    public async Task<JobStatus> SubmitAsync(Caller caller, JobSpec spec)
    {
        if (!await SeesDatasetAsync(caller, spec.DatasetId))
        {
            throw new KeyNotFoundException($"Dataset {spec.DatasetId} does not exist.");
        }

        var owned = spec with { Owner = caller.Owner };
        if (auth.Value.Mode == AuthMode.None)
        {
            return await StartAsync(owned);
        }

        var gate = _owners.GetOrAdd(caller.Owner, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            var limit = quota.Value.MaxActiveJobsPerOwner;
            var active = await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).CountActiveAsync(caller.Owner);
            if (active >= limit)
            {
                throw new JobQuotaExceededException(
                    $"Owner {caller.Owner} already has {active} unfinished jobs, the most AudioMix:Jobs:MaxActiveJobsPerOwner ({limit}) allows; wait for one to finish or cancel one.");
            }

            return await StartAsync(owned);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether the dataset exists and belongs to the caller's owner (or the caller is an admin).</summary>
    public async Task<bool> SeesDatasetAsync(Caller caller, string datasetId) =>
        await grains.GetGrain<IDatasetGrain>(datasetId).GetAsync() is { } dataset && caller.Sees(dataset.Owner);

    private Task<JobStatus> StartAsync(JobSpec spec) => grains.GetGrain<IJobGrain>(GrainDatasetService.NewId()).StartAsync(spec);
}
