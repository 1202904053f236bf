using System.Collections.Concurrent;
using AudioMix.Abstractions.Datasets;
using AudioMix.Abstractions.Jobs;
using AudioMix.Web.Security;
using Microsoft.Extensions.Options;

namespace AudioMix.Web.Services;

/// <summary>A submission refused because its owner already runs <see cref="JobQuotaOptions.MaxActiveJobsPerOwner"/> jobs.</summary>
internal sealed class JobQuotaExceededException(string message) : Exception(message);

/// <summary>A submission the preflight refused: <see cref="Validation"/> says why (and each step's capacity); no job exists.</summary>
internal sealed class JobRefusedException(JobValidation validation) : ArgumentException(string.Join(" ", validation.Errors))
{
    /// <summary>The preflight's answer.</summary>
    public JobValidation Validation { get; } = validation;
}

/// <summary>
/// Checking and starting a job on behalf of a caller, for the REST API and the dashboard alike — the one place that
/// checks ids in a job body: the dataset must be one the caller sees (else it "does not exist", before the preflight's
/// capacity answer could reveal it), then the cluster's preflight runs; a started job is recorded as the caller's
/// owner's, and in ApiKey mode an owner may have
/// at most <see cref="JobQuotaOptions.MaxActiveJobsPerOwner"/> unfinished jobs — one more is refused before any job
/// exists. Submissions of one owner are serialised on this host so two at once cannot both take the last slot (several
/// web hosts can each let one through: the limit is per host-instant, documented in the README).
/// </summary>
internal sealed class JobSubmissions(IGrainFactory grains, IOptions<JobQuotaOptions> quota, IOptions<AuthOptions> auth)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _owners = new(StringComparer.Ordinal);

    /// <summary>
    /// The preflight as <paramref name="caller"/> may see it (<c>POST /api/jobs/validate</c>, the job form): errors and each
    /// step's capacity; another owner's dataset answers like an unknown one (<see cref="JobValidation.DatasetFound"/> false).
    /// </summary>
    public async Task<JobValidation> ValidateAsync(Caller caller, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(spec);
        return await SeesDatasetAsync(caller, spec.DatasetId)
            ? await grains.GetGrain<IOperationCatalogGrain>(0).ValidateAsync(spec with { Owner = caller.Owner })
            : new JobValidation([$"Dataset {spec.DatasetId} does not exist."], [], DatasetFound: false);
    }

    /// <summary>
    /// Starts the job under a new id after <see cref="ValidateAsync"/>: a refusal throws <see cref="JobRefusedException"/>
    /// (an <see cref="ArgumentException"/> carrying the validation), an owner over quota <see cref="JobQuotaExceededException"/>.
    /// </summary>
    public async Task<JobStatus> SubmitAsync(Caller caller, JobSpec spec)
    {
        var validation = await ValidateAsync(caller, spec);
        if (!validation.Valid)
        {
            throw new JobRefusedException(validation);
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
    private async Task<bool> SeesDatasetAsync(Caller caller, string datasetId) =>
        await grains.GetGrain<IDatasetGrain>(datasetId).GetAsync() is { } dataset && caller.Sees(dataset.Owner);

    private Task<JobStatus> StartAsync(JobSpec spec) => grains.GetGrain<IJobGrain>(GrainDatasetService.NewId()).StartAsync(spec);
}
