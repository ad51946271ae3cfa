using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// Counts the worker processes sharing the police budget: every worker consumes <c>fetch-crimes</c> on one channel, so
/// the queue's consumer count is the number of live workers (a killed process's connection closes and it drops out at
/// once). Re-read every <see cref="RefreshInterval"/>; a higher count applies at once, a lower one once it has lasted
/// <see cref="FleetPoliceShare.JoinDelay"/> (a worker stopped with SIGTERM still finishes its fetches in flight); on
/// error the last known count stays (fail safe: a broker outage stops the fetches anyway). Runs in worker processes on
/// RabbitMQ only.
/// </summary>
public sealed partial class FleetBudgetMonitor(
    FleetPoliceShare share,
    IOptions<BusOptions> bus,
    IOptions<UpstreamOptions> upstreams,
    TimeProvider time,
    ILogger<FleetBudgetMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        share.Changed += (from, to) => LogShareChanged(logger, from, to, upstreams.Value.PoliceApi.RequestsPerSecond / to);
        var rabbit = bus.Value.RabbitMq;
        var factory = rabbit.CreateConnectionFactory(TimeSpan.FromSeconds(5));
        // The bucket holds half the burst (PoliceApiRateLimiter): no request may need more tokens than that.
        var maxShares = Math.Max(1, upstreams.Value.PoliceApi.Burst / 2);

        using var timer = new PeriodicTimer(RefreshInterval);
        IConnection? connection = null;
        long? fewerSince = null;
        try
        {
            do
            {
                try
                {
                    connection ??= await factory.CreateConnectionAsync("eventdriven-fleet-budget", stoppingToken).ConfigureAwait(false);
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    var queue = await channel.QueueDeclarePassiveAsync(QueueNames.FetchCrimes, stoppingToken).ConfigureAwait(false);
                    var counted = (int)queue.ConsumerCount;
                    if (counted >= share.Processes)
                    {
                        // More workers: slow down at once.
                        fewerSince = null;
                        share.Update(counted, maxShares);
                    }
                    else if ((fewerSince ??= time.GetTimestamp()) is var since && time.GetElapsedTime(since) >= FleetPoliceShare.JoinDelay)
                    {
                        // Fewer workers: speed up only once the count has stayed lower for the join delay. A worker
                        // stopped with SIGTERM leaves the count first and finishes its fetches in flight at its share.
                        fewerSince = null;
                        share.Update(counted, maxShares);
                    }
                }
                catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
                {
                    // Queue not declared yet, or the broker is away: keep the last count and look again.
                    LogCountFailed(logger, e.Message);
                    if (connection is { IsOpen: false })
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Police API budget now shared by {Processes} worker processes (was {Previous}): this one calls at {Rate:0.##} req/s")]
    private static partial void LogShareChanged(ILogger logger, int previous, int processes, double rate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not count the worker processes on fetch-crimes, keeping the last count: {Reason}")]
    private static partial void LogCountFailed(ILogger logger, string reason);
}
