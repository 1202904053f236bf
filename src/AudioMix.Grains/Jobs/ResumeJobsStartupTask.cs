namespace AudioMix.Grains.Jobs;

/// <summary>
/// At silo start, wakes every job the catalog lists as unfinished; each re-activated job grain
/// continues from its last checkpoint. This is what makes a job survive kill -9.
/// </summary>
internal sealed partial class ResumeJobsStartupTask(IGrainFactory grains, ILogger<ResumeJobsStartupTask> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var unfinished = await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListUnfinishedAsync();
        foreach (var jobId in unfinished)
        {
            LogResume(logger, jobId);
            await grains.GetGrain<IJobGrain>(jobId).ResumeAsync();
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Resuming unfinished job {JobId}")]
    private static partial void LogResume(ILogger logger, string jobId);
}
