using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Persistence.Tests;

/// <summary>
/// The store applies a write and its answer never arrives (a timeout on a busy machine, a reset connection, the store
/// killed a moment later). The write must recognise itself when it is sent again, not read as a conflict: otherwise the
/// event is re-applied to its own result, counted as a duplicate, and the commands of the transition are lost.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_the_answer_to_a_saga_write_is_lost_Specs(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task Should_settle_an_update_whose_answer_was_lost_as_done_not_as_a_conflict()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var losing = new AnswerLosingHttpClientFactory(operation => operation == "PutItem", answersToLose: 1);
        using var client = ClientThrough(losing, sdkRetries: 0);
        var store = new DynamoDbSagaStore<CrimeLookupState>(client, new(tables.Names.Lookups), new CrimeLookupStateItemMapper(),
            TimeProvider.System, NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);
        var saved = LookupStates.Completed();
        await new DynamoDbSagaStore<CrimeLookupState>(tables.Client, new(tables.Names.Lookups), new CrimeLookupStateItemMapper(),
            TimeProvider.System, NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance).InsertAsync(saved);
        var loaded = (await store.LoadAsync(saved.CorrelationId))!;

        loaded.RequestCount = 42;
        await store.UpdateAsync(loaded);

        Assert.Equal(1, losing.Lost);
        Assert.Equal(0, store.VersionConflicts);
        Assert.Equal(2, loaded.Version);
        var stored = (await store.LoadAsync(saved.CorrelationId))!;
        Assert.Equal(2, stored.Version); // applied once, not twice
        Assert.Equal(42, stored.RequestCount);
    }

    [Fact]
    public async Task Should_not_mistake_the_sdks_own_retry_of_an_applied_write_for_a_conflict()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var losing = new AnswerLosingHttpClientFactory(operation => operation == "PutItem", answersToLose: 1);
        using var client = ClientThrough(losing, sdkRetries: 2);
        var store = new DynamoDbSagaStore<CrimeLookupState>(client, new(tables.Names.Lookups), new CrimeLookupStateItemMapper(),
            TimeProvider.System, NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);

        await store.InsertAsync(LookupStates.Completed());

        Assert.Equal(1, losing.Lost);
        Assert.Equal(0, store.VersionConflicts);
    }

    [Fact]
    public async Task Should_still_refuse_a_stale_write_that_is_sent_again()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var store = new DynamoDbSagaStore<CrimeLookupState>(tables.Client, new(tables.Names.Lookups), new CrimeLookupStateItemMapper(),
            TimeProvider.System, NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);
        var saved = LookupStates.Completed();
        await store.InsertAsync(saved);
        var winner = (await store.LoadAsync(saved.CorrelationId))!;
        var loser = (await store.LoadAsync(saved.CorrelationId))!;
        await store.UpdateAsync(winner);

        await Assert.ThrowsAsync<ConcurrencyException>(() => store.UpdateAsync(loser));
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.UpdateAsync(loser)); // a fresh write id is no key to another's item
    }

    [Fact]
    public async Task Should_send_the_command_of_a_transition_whose_save_was_answered_too_late()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        // The saga's first write (the new instance) is applied by the store but its answer is lost.
        // The saga writes its instance with the transition's history entry in one transaction.
        var losing = new AnswerLosingHttpClientFactory(operation => operation is "PutItem" or "TransactWriteItems", answersToLose: 1);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceProvider)] = "DynamoDb",
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbServiceUrl)] = dynamo.ServiceUrl,
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbTablePrefix)] = tables.Names.Lookups[..^DynamoTables.Lookups.Suffix.Length],
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(_ => ClientThrough(losing, sdkRetries: 0));
        services.AddLookupPersistence(configuration);
        services.AddOptions<LookupOptions>();
        services.AddMetrics();
        services.AddMassTransitTestHarness(bus => bus.AddCrimeLookupSaga(configuration));
        await using var provider = services.BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(60);
        await harness.Start();
        var key = LookupKey.For(Postcode.Parse("M1 1AE"));

        await harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, "M1 1AE", DateTimeOffset.UtcNow));

        // Polled, not the harness's inactivity signal: on a loaded machine the store may be silent for a while.
        var state = (await When_events_race_for_one_saga_Specs.WaitForAsync(
            () => provider.GetRequiredService<ILookupStateReader>().GetAsync(key.CorrelationId), s => s?.Status == LookupStatus.Geocoding))!;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!harness.Sent.Select<GeocodePostcode>().Any() && !timeout.IsCancellationRequested)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(harness.Sent.Select<GeocodePostcode>().Any(), "the geocode command of the first transition was lost with the write's answer");
        Assert.Equal(1, losing.Lost);
        Assert.Equal(LookupStatus.Geocoding, state.Status);
        Assert.Equal(1, state.RequestCount); // one request, counted once
        Assert.Equal(1, state.Version);
    }

    private IAmazonDynamoDB ClientThrough(AnswerLosingHttpClientFactory factory, int sdkRetries) => new AmazonDynamoDBClient(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig
        {
            ServiceURL = dynamo.ServiceUrl,
            AuthenticationRegion = "eu-west-2",
            Timeout = TimeSpan.FromSeconds(5),
            MaxErrorRetry = sdkRetries,
            HttpClientFactory = factory,
        });

    /// <summary>Real HTTP to DynamoDB Local; the answers of the first matching calls are dropped after the store has acted on them.</summary>
    private sealed class AnswerLosingHttpClientFactory(Func<string, bool> loseAnswerOf, int answersToLose) : HttpClientFactory
    {
        private int _matched;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new LosingHandler(this) { InnerHandler = new SocketsHttpHandler() });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => nameof(AnswerLosingHttpClientFactory);

        private bool ShouldLose(string operation)
        {
            if (!loseAnswerOf(operation) || Interlocked.Increment(ref _matched) > answersToLose)
            {
                return false;
            }

            Interlocked.Increment(ref _lost);
            return true;
        }

        private sealed class LosingHandler(AnswerLosingHttpClientFactory owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var operation = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? targets.First().Split('.')[^1] : "";
                var response = await base.SendAsync(request, cancellationToken);
                if (owner.ShouldLose(operation))
                {
                    response.Dispose();
                    throw new HttpRequestException($"Connection reset by peer (the test lost the answer to {operation})");
                }

                return response;
            }
        }
    }
}
