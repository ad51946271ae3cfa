using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace EventDriven.Hosting.Bus;

/// <summary>
/// Readiness of the broker itself. MassTransit's bus check looks at receive endpoints only, so an API process (which has
/// none) stayed "Healthy" with RabbitMQ stopped, and a worker only "Degraded" (HTTP 200). This keeps one connection of
/// its own and answers from its state; while it is closed each check tries one reconnect (bounded by a short timeout),
/// so readiness comes back by itself when the broker does.
/// </summary>
public sealed class BrokerConnectionHealthCheck(IOptions<BusOptions> options) : IHealthCheck, IAsyncDisposable
{
    public const string Name = "rabbitmq";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var rabbit = options.Value.RabbitMq;
        if (_connection is { IsOpen: true })
        {
            return HealthCheckResult.Healthy($"connected to {rabbit.Host}:{rabbit.Port}");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsOpen: true })
            {
                return HealthCheckResult.Healthy($"connected to {rabbit.Host}:{rabbit.Port}");
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }

            var factory = rabbit.CreateConnectionFactory(ConnectTimeout);
            factory.RequestedHeartbeat = TimeSpan.FromSeconds(10);
            // This check reconnects on its own terms (one try per check), not in the background.
            factory.AutomaticRecoveryEnabled = false;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            _connection = await factory.CreateConnectionAsync("eventdriven-readiness", timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"connected to {rabbit.Host}:{rabbit.Port}");
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or IOException or OperationCanceledException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ at {rabbit.Host}:{rabbit.Port} is unreachable", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
