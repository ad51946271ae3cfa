using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.InMemory;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

/// <summary>
/// Several API instances, no sticky sessions: the one that answers a poll may not be the one that accepted the lookup a
/// moment ago, and the saga may not have seen the request yet. The acceptance is therefore recorded where every
/// instance reads: the saga table (an item in MassTransit's Initial state, or a mark on a finished lookup).
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_an_api_records_an_accepted_lookup_Specs(DynamoDbLocalFixture dynamo)
{
    private static readonly LookupKey Key = LookupKey.For(Postcode.Parse("M1 1AE"));

    [Fact]
    public async Task Should_let_every_reader_see_a_new_lookup_before_the_saga_does()
    {
        await using var fleet = await SagaOnDynamoDb.StartAsync(dynamo, startSaga: false);
        var accepted = DateTimeOffset.UtcNow;

        await fleet.Accepted.RecordAsync(Key, seen: null, accepted, requestedBy: null);
        var seen = await fleet.Reader.GetAsync(Key.CorrelationId);

        Assert.NotNull(seen);
        Assert.True(seen.IsStarted);
        Assert.True(seen.IsAwaitingSaga);
        Assert.Equal(LookupStateDiagram.InitialState, seen.Status);
        Assert.Equal(Key.Value, seen.LookupKey);
        Assert.Equal("M1 1AE", seen.Postcode);
        Assert.Equal(0, seen.Attempts);
        // Listed with the lookups in flight, where the stuck sweep finds it if its request never reaches a saga.
        var initial = await fleet.Reader.ListByStateAsync(LookupStateDiagram.InitialState, 10);
        Assert.Contains(initial.Items, l => l.LookupId == Key.CorrelationId);
    }

    [Fact]
    public async Task Should_count_a_new_lookup_among_its_clients_lookups_in_flight_before_the_saga_starts_it()
    {
        await using var fleet = await SagaOnDynamoDb.StartAsync(dynamo, startSaga: false);
        var client = $"client-{Guid.NewGuid():N}";

        await fleet.Accepted.RecordAsync(Key, seen: null, DateTimeOffset.UtcNow, client);

        // What another API instance reads when it admits this client's next lookup (the ByRequester index).
        Assert.Equal([Key.CorrelationId], await fleet.Reader.ListInFlightAsync(client, 10));
        Assert.Empty(await fleet.Reader.ListInFlightAsync($"client-{Guid.NewGuid():N}", 10));
    }

    [Fact]
    public async Task Should_start_a_recorded_lookup_exactly_as_a_new_one()
    {
        await using var fleet = await SagaOnDynamoDb.StartAsync(dynamo, startSaga: true);
        var accepted = DateTimeOffset.UtcNow;
        await fleet.Accepted.RecordAsync(Key, seen: null, accepted, requestedBy: null);
        await fleet.Accepted.RecordAsync(Key, seen: null, accepted.AddMilliseconds(5), requestedBy: null); // a second instance, same key: no error

        await fleet.Harness.Bus.SendAsync(Key, accepted);
        var state = await When_events_race_for_one_saga_Specs.WaitForAsync(
            () => fleet.Reader.GetAsync(Key.CorrelationId), s => s?.Status == LookupStatus.Geocoding);

        Assert.Equal(LookupStatus.Geocoding, state!.Status);
        Assert.False(state.IsAwaitingSaga);
        Assert.Equal(1, state.RequestCount);
        Assert.Equal(1, state.Attempts);
        Assert.Equal(2, state.Version); // the API's insert, then the saga's first transition as an update
        Assert.Single(fleet.Harness.Sent.Select<GeocodePostcode>());
    }

    [Fact]
    public async Task Should_report_a_new_attempt_at_a_finished_lookup_until_the_saga_takes_it()
    {
        await using var fleet = await SagaOnDynamoDb.StartAsync(dynamo, startSaga: true);
        var failed = LookupStates.Failed(Key);
        await fleet.Store.InsertAsync(failed);
        var seen = await fleet.Reader.GetAsync(Key.CorrelationId);
        Assert.False(seen!.IsAwaitingSaga);

        var accepted = DateTimeOffset.UtcNow;
        await fleet.Accepted.RecordAsync(Key, seen, accepted, requestedBy: null);
        var marked = await fleet.Reader.GetAsync(Key.CorrelationId);
        Assert.True(marked!.IsAwaitingSaga);
        Assert.Equal(LookupStatus.Failed, marked.Status);
        Assert.Equal(seen.Version, marked.Version); // not a saga write

        await fleet.Harness.Bus.SendAsync(Key, accepted);
        var retried = await When_events_race_for_one_saga_Specs.WaitForAsync(
            () => fleet.Reader.GetAsync(Key.CorrelationId), s => s?.Status == LookupStatus.Geocoding);

        Assert.Equal(2, retried!.Attempts);
        Assert.Null(retried.AcceptedAt); // the saga's write replaced the item and its mark
        Assert.False(retried.IsAwaitingSaga);
    }

    [Fact]
    public void Should_show_an_accepted_lookup_in_memory_until_the_saga_has_caught_up()
    {
        var time = new FakeTimeProvider(LookupStates.T0);
        var accepted = new InMemoryAcceptedLookups(time);
        Assert.Null(accepted.Overlay(Key.CorrelationId, stored: null));

        accepted.RecordAsync(Key, seen: null, time.GetUtcNow(), requestedBy: null);
        Assert.True(accepted.Overlay(Key.CorrelationId, stored: null)!.IsAwaitingSaga);

        var failedEarlier = LookupStates.Failed(Key).ToSnapshot() with { UpdatedAt = time.GetUtcNow().AddMinutes(-1) };
        Assert.True(accepted.Overlay(Key.CorrelationId, failedEarlier)!.IsAwaitingSaga);

        var startedAfter = failedEarlier with { Status = LookupStatus.Geocoding, UpdatedAt = time.GetUtcNow().AddSeconds(1) };
        Assert.Same(startedAfter, accepted.Overlay(Key.CorrelationId, startedAfter));
        Assert.Null(accepted.Overlay(Key.CorrelationId, stored: null)); // forgotten once the saga had it

        accepted.RecordAsync(Key, seen: null, time.GetUtcNow(), requestedBy: null);
        time.Advance(InMemoryAcceptedLookups.Memory + TimeSpan.FromSeconds(1));
        Assert.Null(accepted.Overlay(Key.CorrelationId, stored: null)); // bounded in time
    }

    /// <summary>The lookup saga on DynamoDB Local with MassTransit's test harness, as an API instance and a worker share it.</summary>
    private sealed class SagaOnDynamoDb : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly Tables _tables;

        private SagaOnDynamoDb(ServiceProvider provider, Tables tables)
        {
            _provider = provider;
            _tables = tables;
        }

        public ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();
        public IAcceptedLookups Accepted => _provider.GetRequiredService<IAcceptedLookups>();
        public ILookupStateReader Reader => _provider.GetRequiredService<ILookupStateReader>();
        public DynamoDbSagaStore<CrimeLookupState> Store => _provider.GetRequiredService<DynamoDbSagaStore<CrimeLookupState>>();

        public static async Task<SagaOnDynamoDb> StartAsync(DynamoDbLocalFixture dynamo, bool startSaga)
        {
            var tables = await Tables.CreateAsync(dynamo);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceProvider)] = "DynamoDb",
                [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbServiceUrl)] = dynamo.ServiceUrl,
                [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbTablePrefix)] =
                    tables.Names.Lookups[..^DynamoTables.Lookups.Suffix.Length],
            }).Build();
            var services = new ServiceCollection().AddLookupPersistence(configuration);
            services.AddOptions<LookupOptions>();
            services.AddMetrics();
            services.AddMassTransitTestHarness(bus => bus.AddCrimeLookupSaga(configuration));
            var provider = services.BuildServiceProvider(true);
            var fleet = new SagaOnDynamoDb(provider, tables);
            if (startSaga)
            {
                fleet.Harness.TestTimeout = TimeSpan.FromSeconds(60);
                await fleet.Harness.Start();
            }

            return fleet;
        }

        public async ValueTask DisposeAsync()
        {
            await _provider.DisposeAsync();
            _tables.Dispose();
        }
    }
}
