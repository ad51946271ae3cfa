using EventDriven.Persistence.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventDriven.Hosting.Operations;

/// <summary>
/// In every API process on RabbitMQ: picks up replays nobody drives (started through the admin API, resumed, or left
/// behind by a driver that died) and drives them. The lease in the store makes sure one process drives a replay at a
/// time, however many API instances look.
/// </summary>
public sealed partial class ReplayJobHost(ReplayRunner runner, IReplayJobStore jobs, ReplaySettings settings, TimeProvider time, ILogger<ReplayJobHost> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PickUpInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                foreach (var job in await jobs.ListAsync(50, stoppingToken).ConfigureAwait(false))
                {
                    if (job.Status == ReplayJobStatus.Running && (job.Owner is null || job.LeaseUntil is null || job.LeaseUntil < time.GetUtcNow()))
                    {
                        await runner.RunAsync(job.Id, progress: null, ReplayJobStatus.Running, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Store or broker away: the next tick tries again (an unfinished replay keeps its progress).
                LogPickUpFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for replays to drive failed, retrying: {Reason}")]
    private static partial void LogPickUpFailed(ILogger logger, string reason);
}
