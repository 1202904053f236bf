using Microsoft.Extensions.Hosting;

namespace AudioMix.Grains.Jobs;

/// <summary>
/// On every silo, every few seconds, wakes each job the catalog lists as unfinished. A running job's grain is kept alive
/// by its timer, so this costs one call per job; it matters when a silo dies with a job grain on it and none of that
/// job's shards is left to report (the report would re-activate it too): the job re-activates on a live silo and
/// carries on from its saved summary. <see cref="ResumeJobsStartupTask"/> does the same once at silo start.
/// </summary>
internal sealed partial class JobWatchdog(IGrainFactory grains, ILogger<JobWatchdog> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var jobId in await grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).ListUnfinishedAsync())
                {
                    await grains.GetGrain<IJobGrain>(jobId).ResumeAsync();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !stoppingToken.IsCancellationRequested)
            {
                // The silo may be starting, stopping, or briefly without the catalog's silo: the next tick tries again.
                LogTickFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "Job watchdog tick failed: {Type}: {Message}")]
    private static partial void LogTickFailed(ILogger logger, string type, string message);
}
