using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Hosting.Bus;

/// <summary>
/// Brings receive endpoints back as soon as the broker is. MassTransit reconnects a receive endpoint on its own,
/// fixed schedule (on RabbitMQ after about 6, 9, 15 and 27 s, then every 30 s; not configurable), so after an outage
/// of half a minute a worker could sit idle for up to 30 s more with the broker back. This watches for endpoints whose
/// transport faulted and, while any is down, tries the broker every <see cref="ProbeInterval"/>; once it accepts a
/// connection, each faulted endpoint is stopped and started again, which makes MassTransit connect it at once (the
/// same stop and start its own kill switch uses).
/// </summary>
public sealed partial class ReceiveEndpointReconnector(IOptions<BusOptions> options, ILogger<ReceiveEndpointReconnector> logger)
    : BackgroundService, IReceiveEndpointObserver
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>An endpoint that faults again right after a restart (not a connection problem) is not restarted more often than this.</summary>
    private static readonly TimeSpan RestartAtMostEvery = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<Uri, IReceiveEndpoint> _faulted = new();
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _restartedAt = new();

    public Task Ready(ReceiveEndpointReady ready)
    {
        _faulted.TryRemove(ready.InputAddress, out _);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        _faulted[faulted.InputAddress] = faulted.ReceiveEndpoint;
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ProbeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var due = _faulted.Where(e => DateTimeOffset.UtcNow - _restartedAt.GetValueOrDefault(e.Key) >= RestartAtMostEvery).ToList();
                if (due.Count == 0 || !await BrokerAcceptsConnectionsAsync(stoppingToken).ConfigureAwait(false))
                {
                    continue;
                }

                foreach (var (address, endpoint) in due)
                {
                    _faulted.TryRemove(KeyValuePair.Create(address, endpoint));
                    _restartedAt[address] = DateTimeOffset.UtcNow;
                    LogRestarting(logger, address);
                    _ = RestartAsync(endpoint, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the bus stops its endpoints itself.
        }
    }

    private async Task RestartAsync(IReceiveEndpoint endpoint, CancellationToken stoppingToken)
    {
        try
        {
            await endpoint.Stop(stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                endpoint.Start(stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // MassTransit's own schedule still applies; the next fault brings the endpoint back here.
            LogRestartFailed(logger, endpoint.InputAddress, e.Message);
        }
    }

    private async Task<bool> BrokerAcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        var factory = options.Value.RabbitMq.CreateConnectionFactory(ConnectTimeout);
        factory.AutomaticRecoveryEnabled = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await using var connection = await factory.CreateConnectionAsync("eventdriven-reconnect-probe", timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or IOException or OperationCanceledException or TimeoutException
                                  && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The broker accepts connections again: restarting receive endpoint {InputAddress} now rather than at MassTransit's next reconnect attempt")]
    private static partial void LogRestarting(ILogger logger, Uri inputAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not restart receive endpoint {InputAddress}: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, Uri inputAddress, string reason);
}
