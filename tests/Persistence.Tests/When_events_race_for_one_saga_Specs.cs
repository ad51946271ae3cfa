using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.History;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_events_race_for_one_saga_Specs(DynamoDbLocalFixture dynamo, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Should_count_all_100_concurrent_increments_with_no_lost_update_and_record_each_in_the_history()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        await using var provider = new ServiceCollection()
            .AddDynamoDbClient(new DynamoDbOptions { ServiceUrl = dynamo.ServiceUrl, TablePrefix = Prefix(tables) })
            // The history as the lookup saga has it in distributed mode: each transition written in the saga's own transaction.
            .AddSingleton<DynamoDbLookupHistory>()
            .AddSingleton<ISagaTransitionSink, DynamoDbTransitionSink>()
            .AddSingleton<ISagaDescriber<CounterState>, CounterStateDescriber>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddSagaStateMachine<CounterStateMachine, CounterState>(typeof(CounterStateDefinition), (context, saga) => saga.RecordTransitions(context))
                    .DynamoDbRepository<CounterState, CounterStateItemMapper>(sp => sp.GetRequiredService<DynamoTableNames>().Lookups);
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = Patience;
        await harness.Start();
        var store = provider.GetRequiredService<DynamoDbSagaStore<CounterState>>();
        var id = NewId.NextGuid();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => harness.Bus.Publish(new Increment(id))));
        var final = await WaitForAsync(() => store.LoadAsync(id), s => s?.Count >= 100);

        Assert.Equal(100, final!.Count);
        Assert.Equal(100, final.Version); // one insert and 99 updates, none lost and none applied twice
        Assert.False(await harness.Published.Any<Fault<Increment>>());
        // The race is real: with 32 messages in flight most first attempts lose and are retried.
        output.WriteLine($"100 increments on one instance: {store.VersionConflicts} version conflicts retried");
        Assert.True(store.VersionConflicts > 0, "expected lost races to be retried");

        // Every saved transition is in the history exactly once, and no lost race left an entry behind.
        var history = await provider.GetRequiredService<DynamoDbLookupHistory>().ReadAsync(id);
        var transitions = history.OfType<TransitionEntry>().ToList();
        Assert.Equal(Enumerable.Range(1, 100), transitions.Select(t => t.Version).Order());
        Assert.Equal(Enumerable.Range(1, 100).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            transitions.OrderBy(t => t.Version).Select(t => Assert.Single(t.Changes, c => c.Field == "count").After));
        Assert.All(transitions, t => Assert.Equal("Increment", t.MessageType));
        Assert.Equal(("Initial", "Counting"), (transitions.Single(t => t.Version == 1).From, transitions.Single(t => t.Version == 1).To));
    }

    [Fact]
    public async Task Should_keep_every_one_of_100_concurrent_appends_to_one_lookups_history()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var history = new DynamoDbLookupHistory(tables.Client, tables.Names, TimeProvider.System);
        var id = NewId.NextGuid();
        var at = DateTimeOffset.UtcNow;

        // 100 writers at once (as many worker attempts and dead-letterings of one lookup could be), 25 in flight at a time.
        using var gate = new SemaphoreSlim(25);
        await Task.WhenAll(Enumerable.Range(1, 100).Select(async n =>
        {
            await gate.WaitAsync();
            try
            {
                await history.AppendAsync(id, new UpstreamCallEntry(at.AddMilliseconds(n), "police-api", "GET", $"http://police/{n}", 200, null, 5, 1, 0, null));
            }
            finally
            {
                gate.Release();
            }
        }));

        var entries = await history.ReadAsync(id);
        Assert.Equal(Enumerable.Range(1, 100).Select(n => $"http://police/{n}"), entries.Cast<UpstreamCallEntry>().Select(e => e.Url));
    }

    [Fact]
    public async Task Should_run_the_lookup_saga_on_dynamodb_with_one_geocode_for_many_identical_requests()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceProvider)] = "DynamoDb",
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbServiceUrl)] = dynamo.ServiceUrl,
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbTablePrefix)] = Prefix(tables),
        }).Build();
        var services = new ServiceCollection().AddLookupPersistence(configuration);
        services.AddOptions<LookupOptions>();
        services.AddMetrics(); // what a host provides
        services.AddMassTransitTestHarness(bus => bus.AddCrimeLookupSaga(configuration));
        await using var provider = services.BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = Patience;
        await harness.Start();
        var reader = provider.GetRequiredService<ILookupStateReader>();
        var key = LookupKey.For(Postcode.Parse("M1 1AE"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, "M1 1AE", DateTimeOffset.UtcNow))));
        var state = await WaitForAsync(() => reader.GetAsync(key.CorrelationId), s => s?.RequestCount >= 20);

        Assert.Equal(LookupStatus.Geocoding, state!.Status);
        Assert.Equal(20, state.RequestCount);
        Assert.Equal(1, state.Attempts);
        Assert.Single(harness.Sent.Select<GeocodePostcode>()); // one upstream call per distinct key
        Assert.IsType<DynamoDbLookupStateReader>(reader);
        // MassTransit's own load-by-id API reads the same store.
        var loaded = await provider.GetRequiredService<ILoadSagaRepository<CrimeLookupState>>().Load(key.CorrelationId);
        Assert.Equal(20, loaded!.RequestCount);
        Assert.Null(await provider.GetRequiredService<ILoadSagaRepository<CrimeLookupState>>().Load(Guid.NewGuid()));
        // 20 requests, one transition: duplicates are counted on the instance, not written to its history.
        var transition = Assert.Single(await provider.GetRequiredService<ILookupHistory>().ReadAsync(key.CorrelationId));
        var started = Assert.IsType<TransitionEntry>(transition);
        Assert.Equal(("Initial", LookupStatus.Geocoding, "PostcodeRequested"), (started.From, started.To, started.MessageType));
        Assert.Contains(new FieldChange("attempts", "0", "1"), started.Changes);
        Assert.Contains(new FieldChange("lookupKey", null, "postcode:M1 1AE"), started.Changes);
    }

    private static string Prefix(Tables tables) => tables.Names.Lookups[..^DynamoTables.Lookups.Suffix.Length];

    internal static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var value = await read();
            if (done(value) || timeout.IsCancellationRequested)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
