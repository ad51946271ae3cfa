using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Functions.Events;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Functions.Tests;

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "dynamodb";
}

/// <summary>
/// The distributed shape: the saga on DynamoDB (DynamoDB Local) records Scottish lookups, and the function, configured the
/// way the Lambda is (Persistence__Provider=DynamoDb), moves them into the registry table.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_recording_scottish_postcodes_on_DynamoDB_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceProvider)] = "DynamoDb",
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbServiceUrl)] = dynamo.ServiceUrl,
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbTablePrefix)] = DynamoDbLocalFixture.NewTablePrefix(),
            [ConfigurationKeys.ToConfigurationPath(ConfigurationKeys.PersistenceDynamoDbEnsureTables)] = "true",
            [ConfigurationKeys.ToConfigurationPath(FunctionConfigurationKeys.ScottishPostcodesPageSize)] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<LookupOptions>();
        services.AddLookupPersistence(configuration);
        services.AddMassTransitTestHarness(x => x.AddCrimeLookupSaga(configuration));
        services.AddScottishPostcodeFunction(configuration);
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        // Starts the hosted services in registration order: the tables are created before the bus starts.
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    private async Task RequestAsync(string postcode, int times)
    {
        var key = LookupKey.For(Postcode.Parse(postcode));
        var reader = _provider.GetRequiredService<ILookupStateReader>();
        var before = (await reader.GetAsync(key.CorrelationId))?.RequestCount ?? 0;
        for (var i = 0; i < times; i++)
        {
            await _harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, key.Postcode!.Value.Value, DateTimeOffset.UtcNow));
        }

        // Generous: DynamoDB Local on a busy 2-core CI machine can be slow to start serving.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await reader.GetAsync(key.CorrelationId)) is not { Status: LookupStatus.Unsupported } state || state.RequestCount < before + times)
        {
            if (DateTime.UtcNow >= deadline)
            {
                var faults = _harness.Published.Select<Fault<PostcodeRequested>>().Select(f => f.Context.Message.Exceptions[0].Message);
                Assert.Fail($"The saga did not count {times} request(s) for {postcode} in time. Faults: {string.Join(" | ", faults)}");
            }

            await Task.Delay(50);
        }
    }

    private static ScheduledEvent Tick() => ScheduledEvent.For("arn:aws:events:eu-west-2:111122223333:rule/ScottishPostcodeSchedule", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Should_count_exactly_after_repeated_and_overlapping_runs()
    {
        await RequestAsync("EH1 1AA", 3);
        await RequestAsync("G2 3BB", 1);
        await RequestAsync("AB10 1XG", 2);
        var function = _provider.GetRequiredService<ScottishPostcodeFunction>();

        var first = await function.RunAsync(Tick());
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => function.RunAsync(Tick()))));
        await RequestAsync("EH1 1AA", 2);
        await function.RunAsync(Tick());

        Assert.Equal((2, 3), (first.Pages, first.Recorded));
        var registry = _provider.GetRequiredService<IUnsupportedPostcodeRegistry>();
        Assert.Equal(
            [("AB10 1XG", 2L), ("EH1 1AA", 5L), ("G2 3BB", 1L)],
            (await registry.ListAsync()).Select(e => (e.Postcode, e.Count)).OrderBy(e => e.Postcode, StringComparer.Ordinal));
        Assert.NotNull(await registry.GetWatermarkAsync());
    }
}
