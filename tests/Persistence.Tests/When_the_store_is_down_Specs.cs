using System.Diagnostics;
using EventDriven.Contracts;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace EventDriven.Persistence.Tests;

/// <summary>Each test runs its own DynamoDB Local, because it stops it. Data lives on disk, so a restart keeps it.</summary>
public sealed class When_the_store_is_down_Specs(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Bound on how long a caller waits for "unavailable": SDK timeout and retries, not a hang.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("dynamodb-outage-").FullName;
    private DynamoDbLocal _server = null!;

    public async Task InitializeAsync() => _server = await DynamoDbLocal.StartAsync(dataDirectory: _dataDirectory);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Should_report_unavailable_while_down_and_recover_with_the_data_kept()
    {
        await using var host = await PersistenceHost.StartAsync(PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, _server.ServiceUrl),
            (ConfigurationKeys.PersistenceDynamoDbTablePrefix, "outage-")));
        var saved = LookupStates.Completed();
        await host.Get<DynamoDbSagaStore<CrimeLookupState>>().InsertAsync(saved);
        var reader = host.Get<ILookupStateReader>();
        Assert.Equal(HealthStatus.Healthy, (await host.ReadinessAsync()).Status);

        await _server.StopAsync();

        var clock = Stopwatch.StartNew();
        var readFailure = await Assert.ThrowsAsync<StoreUnavailableException>(() => reader.GetAsync(saved.CorrelationId));
        output.WriteLine($"store down: StoreUnavailableException after {clock.ElapsedMilliseconds} ms");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, AnswerWithin);
        Assert.Contains("outage-lookups", readFailure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Get<ILookupResultStore>().GetAsync(saved.LookupKey, "2026-09"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Get<IUnsupportedPostcodeRegistry>().GetWatermarkAsync());

        clock.Restart();
        var down = await host.ReadinessAsync();
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        output.WriteLine($"store down: readiness Unhealthy after {clock.ElapsedMilliseconds} ms: {down.Entries[DynamoDbHealthCheck.Name].Description}");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, DynamoDbHealthCheck.Timeout + TimeSpan.FromSeconds(2));
        Assert.Contains("DynamoDB", down.Entries[DynamoDbHealthCheck.Name].Description, StringComparison.Ordinal);

        clock.Restart();
        await using var restarted = await DynamoDbLocal.StartAsync(port: _server.Port, dataDirectory: _dataDirectory);
        output.WriteLine($"DynamoDB Local restarted in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(HealthStatus.Healthy, (await host.ReadinessAsync()).Status);
        var loaded = await reader.GetAsync(saved.CorrelationId);
        Assert.Equal(saved.RequestCount, loaded!.RequestCount);
    }

    [Fact]
    public async Task Should_fault_an_event_that_arrives_during_the_outage_to_error_handling()
    {
        await using var provider = new ServiceCollection()
            .AddDynamoDbClient(new DynamoDbOptions { ServiceUrl = _server.ServiceUrl, TablePrefix = "outage-" })
            .AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<CounterStateMachine, CounterState, CounterStateDefinition>()
                .DynamoDbRepository<CounterState, CounterStateItemMapper>(sp => sp.GetRequiredService<DynamoTableNames>().Lookups))
            .BuildServiceProvider(true);
        await provider.GetRequiredService<DynamoTableProvisioner>().EnsureTablesAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(60);
        await harness.Start();

        await _server.StopAsync();
        await harness.Bus.Publish(new Increment(NewId.NextGuid()));

        // Retried, then moved to the error queue (where replay finds it): not dropped, and the endpoint keeps running.
        Assert.True(await harness.Published.Any<Fault<Increment>>());
        var fault = harness.Published.Select<Fault<Increment>>().First().Context.Message;
        Assert.Equal(typeof(StoreUnavailableException).FullName, fault.Exceptions[0].ExceptionType);
    }

    [Fact]
    public async Task Should_wait_at_start_up_for_a_store_that_comes_up_a_little_later()
    {
        var port = _server.Port;
        await _server.StopAsync();
        var configuration = PersistenceHost.Configuration(
            (ConfigurationKeys.PersistenceProvider, "DynamoDb"),
            (ConfigurationKeys.PersistenceDynamoDbServiceUrl, _server.ServiceUrl),
            (ConfigurationKeys.PersistenceDynamoDbTablePrefix, "late-"));

        var starting = PersistenceHost.StartAsync(configuration);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(starting.IsCompleted);
        await using var late = await DynamoDbLocal.StartAsync(port: port, dataDirectory: _dataDirectory);
        await using var host = await starting.WaitAsync(EnsureDynamoTablesHostedService.StartupPatience);

        Assert.Equal(HealthStatus.Healthy, (await host.ReadinessAsync()).Status);
    }
}
