using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace EventDriven.Persistence.Tests;

/// <summary>
/// A store that accepts connections and never answers (a hung node, a black-holed route): callers must get
/// "unavailable" within a bounded time, never wait forever.
/// </summary>
public sealed class When_the_store_hangs_Specs(ITestOutputHelper output) : IDisposable
{
    private readonly TcpListener _silent = StartSilentListener();
    private readonly List<Socket> _accepted = [];

    [Fact]
    public async Task Should_fail_reads_as_unavailable_within_the_timeouts()
    {
        await using var host = await PersistenceHost.StartAsync(PersistenceHost.Configuration(
            (Contracts.ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (Contracts.ConfigurationKeys.PersistenceDynamoDbServiceUrl, ServiceUrl),
            (Contracts.ConfigurationKeys.PersistenceDynamoDbEnsureTables, "false")));
        _ = AcceptForeverAsync();

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Get<ILookupStateReader>().GetAsync(Guid.NewGuid()));
        output.WriteLine($"hung store: StoreUnavailableException after {clock.ElapsedMilliseconds} ms: {ex.Message}");

        // Three attempts (the first and MaxErrorRetry = 2) of at most RequestTimeout each, plus the SDK's short back-off.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, 3 * DynamoDbClientFactory.RequestTimeout + TimeSpan.FromSeconds(5));
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);

        clock.Restart();
        var report = await host.ReadinessAsync();
        output.WriteLine($"hung store: readiness {report.Status} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, DynamoDbHealthCheck.Timeout + TimeSpan.FromSeconds(2));
    }

    public void Dispose()
    {
        _silent.Stop();
        lock (_accepted)
        {
            _accepted.ForEach(s => s.Dispose());
        }
    }

    private string ServiceUrl => $"http://127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}";

    private static TcpListener StartSilentListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _silent.AcceptSocketAsync();
                lock (_accepted)
                {
                    _accepted.Add(socket); // held open, never read from or answered
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Listener stopped at the end of the test.
        }
    }
}
