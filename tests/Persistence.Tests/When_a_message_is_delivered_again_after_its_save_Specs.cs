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

namespace EventDriven.Persistence.Tests;

/// <summary>
/// The saga saved its new state, then its commands could not leave: the broker went away, or the process died before
/// the in-memory outbox sent them. The message comes back (retried, or delivered again to any worker) and must not
/// meet its own result as a duplicate and change nothing: it is applied again to the state before it, and its commands
/// go out. Here the same message (same message id) is simply delivered twice.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_a_message_is_delivered_again_after_its_save_Specs(DynamoDbLocalFixture dynamo)
{
    private static readonly LookupKey Key = LookupKey.For(Postcode.Parse("W1A 0AX"));

    [Fact]
    public async Task Should_send_the_geocode_command_again_for_the_request_that_created_the_lookup()
    {
        await using var saga = await SagaAsync();
        var messageId = NewId.NextGuid();
        var request = new PostcodeRequested(Key.CorrelationId, "W1A 0AX", DateTimeOffset.UtcNow);

        await saga.Harness.Bus.Publish(request, c => c.MessageId = messageId);
        await saga.WaitForAsync(s => s.Status == LookupStatus.Geocoding);
        await saga.Harness.Bus.Publish(request, c => c.MessageId = messageId);
        await saga.WaitForSentAsync<GeocodePostcode>(2);

        var state = await saga.Reader.GetAsync(Key.CorrelationId);
        Assert.Equal(LookupStatus.Geocoding, state!.Status);
        Assert.Equal(1, state.RequestCount); // applied again to the state before it, not counted twice
        Assert.Equal(1, state.Version);
    }

    [Fact]
    public async Task Should_send_the_crimes_command_again_for_the_geocoder_answer_that_moved_the_lookup_on()
    {
        await using var saga = await SagaAsync();
        await saga.Harness.Bus.Publish(new PostcodeRequested(Key.CorrelationId, "W1A 0AX", DateTimeOffset.UtcNow));
        await saga.WaitForAsync(s => s.Status == LookupStatus.Geocoding);
        var answerId = NewId.NextGuid();
        var answer = new PostcodeGeocoded(Key.CorrelationId, "W1A 0AX", 51.518561, -0.143799, "England");

        await saga.Harness.Bus.Publish(answer, c => c.MessageId = answerId);
        await saga.WaitForAsync(s => s.Status == LookupStatus.FetchingCrimes);
        await saga.Harness.Bus.Publish(answer, c => c.MessageId = answerId);
        await saga.WaitForSentAsync<FetchCrimes>(2);

        var state = await saga.Reader.GetAsync(Key.CorrelationId);
        Assert.Equal(LookupStatus.FetchingCrimes, state!.Status);
        Assert.Equal(2, state.Version); // the second application replaced the first one's write
    }

    [Fact]
    public async Task Should_still_ignore_a_duplicate_that_is_a_different_message()
    {
        await using var saga = await SagaAsync();
        await saga.Harness.Bus.Publish(new PostcodeRequested(Key.CorrelationId, "W1A 0AX", DateTimeOffset.UtcNow));
        await saga.WaitForAsync(s => s.Status == LookupStatus.Geocoding);
        var answer = new PostcodeGeocoded(Key.CorrelationId, "W1A 0AX", 51.518561, -0.143799, "England");

        await saga.Harness.Bus.Publish(answer);
        await saga.WaitForAsync(s => s.Status == LookupStatus.FetchingCrimes);
        await saga.Harness.Bus.Publish(answer); // a second answer (the command was delivered twice): a late duplicate
        await saga.WaitForAsync(s => s.Version == 3);

        Assert.Single(saga.Harness.Sent.Select<FetchCrimes>());
    }

    private async Task<LookupSagaOnDynamoDb> SagaAsync()
    {
        var tables = await Tables.CreateAsync(dynamo);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceProvider)] = "DynamoDb",
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbServiceUrl)] = dynamo.ServiceUrl,
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbTablePrefix)] = tables.Names.Lookups[..^DynamoTables.Lookups.Suffix.Length],
        }).Build();
        var services = new ServiceCollection().AddLookupPersistence(configuration);
        services.AddOptions<LookupOptions>();
        services.AddMetrics();
        services.AddMassTransitTestHarness(bus => bus.AddCrimeLookupSaga(configuration));
        var provider = services.BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(60);
        await harness.Start();
        return new LookupSagaOnDynamoDb(provider, tables);
    }

    private sealed class LookupSagaOnDynamoDb(ServiceProvider provider, Tables tables) : IAsyncDisposable
    {
        public ITestHarness Harness => provider.GetRequiredService<ITestHarness>();
        public ILookupStateReader Reader => provider.GetRequiredService<ILookupStateReader>();

        public Task<LookupSnapshot?> WaitForAsync(Func<LookupSnapshot, bool> done) =>
            When_events_race_for_one_saga_Specs.WaitForAsync(() => Reader.GetAsync(Key.CorrelationId), s => s is not null && done(s));

        public async Task WaitForSentAsync<T>(int count)
            where T : class
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (Harness.Sent.Select<T>().Count() < count && !timeout.IsCancellationRequested)
            {
                await Task.Delay(50);
            }

            Assert.Equal(count, Harness.Sent.Select<T>().Count());
        }

        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            tables.Dispose();
        }
    }
}
