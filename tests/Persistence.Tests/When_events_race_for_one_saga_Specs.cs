using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
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
    public async Task Should_count_all_100_concurrent_increments_with_no_lost_update()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        await using var provider = new ServiceCollection()
            .AddDynamoDbClient(new DynamoDbOptions { ServiceUrl = dynamo.ServiceUrl, TablePrefix = Prefix(tables) })
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddSagaStateMachine<CounterStateMachine, CounterState, CounterStateDefinition>()
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
