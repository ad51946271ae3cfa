using System.Diagnostics;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// A transient outage of shared infrastructure is not a reason to give up on messages: while DynamoDB or RabbitMQ is
/// away (30 s here, with 60 lookups in flight over two workers) the consumers pause and retry, and when it is back every
/// lookup finishes within 30 s and no message has gone to a dead-letter queue. The store runs on disk, so killing and
/// starting it again keeps its data, as a real outage would.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_the_store_or_the_broker_is_away_for_a_while_Specs(RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>, IAsyncLifetime
{
    private const int InFlight = 60;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoverWithin = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("dynamodb-fleet-outage-").FullName;
    private DynamoDbLocal _store = null!;

    public async Task InitializeAsync() => _store = await DynamoDbLocal.StartAsync(dataDirectory: _dataDirectory);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Should_finish_every_lookup_soon_after_the_store_returns_with_no_dead_letters()
    {
        var (system, api, accepted, deadLettersBefore) = await StartWithLookupsInFlightAsync(offset: 9000);
        await using var _ = system;

        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} killing the store");
        await _store.StopAsync();
        await Task.Delay(Outage); // the outage itself: how long the store is away
        _store = await DynamoDbLocal.StartAsync(port: _store.Port, dataDirectory: _dataDirectory);
        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} the store is back");
        var back = Stopwatch.StartNew();

        var done = await WithOutputsOnFailureAsync(system, () => Lookups.WaitForAsync(api, accepted, RecoverWithin + TimeSpan.FromSeconds(90)));
        var recovered = back.Elapsed;
        var deadLetters = await system.DeadLettersAsync() - deadLettersBefore;
        output.WriteLine($"store away {Outage.TotalSeconds:0} s with {InFlight} lookups in flight: all finished {recovered.TotalSeconds:0.0} s after it returned; dead letters created: {deadLetters}");

        Lookups.AssertCompleted(done);
        Assert.Equal(0, deadLetters);
        Assert.True(recovered <= RecoverWithin, $"the last lookup finished {recovered.TotalSeconds:0.0} s after the store returned");
    }

    [Fact]
    public async Task Should_finish_every_lookup_soon_after_the_broker_returns_with_no_dead_letters()
    {
        var (system, api, accepted, deadLettersBefore) = await StartWithLookupsInFlightAsync(offset: 9500);
        await using var _ = system;

        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} killing the broker");
        await rabbit.Node.KillAsync();
        await Task.Delay(Outage);
        await rabbit.Node.StartAgainAsync();
        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} the broker is back");
        var back = Stopwatch.StartNew();

        var done = await WithOutputsOnFailureAsync(system, () => Lookups.WaitForAsync(api, accepted, RecoverWithin + TimeSpan.FromSeconds(90)));
        var recovered = back.Elapsed;
        var deadLetters = await system.DeadLettersAsync() - deadLettersBefore;
        output.WriteLine($"broker killed and away {Outage.TotalSeconds:0} s with {InFlight} lookups in flight: all finished {recovered.TotalSeconds:0.0} s after it returned; dead letters created: {deadLetters}");

        Lookups.AssertCompleted(done);
        Assert.Equal(0, deadLetters);
        Assert.True(recovered <= RecoverWithin, $"the last lookup finished {recovered.TotalSeconds:0.0} s after the broker returned");
    }

    private async Task<T> WithOutputsOnFailureAsync<T>(DistributedSystem system, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch
        {
            output.WriteLine(await system.DescribeDeadLettersAsync());
            output.WriteLine(system.Outputs());
            throw;
        }
    }

    /// <summary>
    /// One API and 60 accepted lookups waiting for workers; then two workers on slow upstreams, and the outage starts
    /// once the first lookups have reached the crimes: every lookup is then queued, geocoding, fetching or saving.
    /// </summary>
    private async Task<(DistributedSystem System, HttpClient Api, List<Guid> Accepted, long DeadLetters)> StartWithLookupsInFlightAsync(int offset)
    {
        var system = await DistributedSystem.StartAsync(rabbit.Node, _store.ServiceUrl);
        try
        {
            var inFlight = await system.StartLookupsInFlightAsync(InFlight, offset, upstreamLatency: TimeSpan.FromSeconds(2));
            output.WriteLine($"{inFlight.Unfinished} of {InFlight} lookups in flight when the outage starts");
            Assert.True(inFlight.Unfinished >= InFlight / 2, $"only {inFlight.Unfinished} lookups were in flight: the test would prove little");
            return (system, inFlight.Api, [.. inFlight.Accepted], inFlight.DeadLettersBefore);
        }
        catch
        {
            output.WriteLine(system.Outputs());
            await system.DisposeAsync();
            throw;
        }
    }
}
