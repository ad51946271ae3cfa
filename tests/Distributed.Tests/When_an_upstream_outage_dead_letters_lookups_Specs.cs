using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Hosting.DeadLetters;
using EventDriven.TestSupport;

namespace EventDriven.Distributed.Tests;

[Collection(DistributedCollection.Name)]
public sealed class When_an_upstream_outage_dead_letters_lookups_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>
{
    /// <summary>Few, quick retries so a dead upstream dead-letters a command in seconds.</summary>
    private static readonly Dictionary<string, string> QuickToGiveUp = new()
    {
        ["Upstreams__MaxRetryAttempts"] = "1",
        ["Upstreams__RetryBaseDelay"] = "00:00:00.050",
    };

    [Fact]
    public async Task Should_complete_every_lookup_once_after_the_outage_ends_and_the_dead_letters_are_replayed()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync(QuickToGiveUp);
        var api = (await system.StartProducersAsync()).Http;
        var deadLetters = new RabbitMqDeadLetterService(new RabbitMqOptions { Host = rabbit.Node.Host, Port = (ushort)rabbit.Node.Port });

        await system.SetFaultsAsync("PostcodesIo", outage: true);
        var lookups = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(6, offset: 2000))
        {
            lookups.Add(await Lookups.AcceptAsync(api, postcode));
        }

        var failed = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(90));
        Assert.All(failed.Values, s => Assert.Equal("Failed", s.GetProperty("status").GetString()));
        var listing = await deadLetters.ListAsync(QueueNames.GeocodePostcode);
        Assert.Equal(6, Assert.Single(listing.Queues).Count);
        Assert.Equal(lookups.ToHashSet(), listing.Entries.Select(e => e.CorrelationId!.Value).ToHashSet());
        Assert.All(listing.Entries, e =>
        {
            Assert.Equal("GeocodePostcode", e.MessageType);
            Assert.False(string.IsNullOrWhiteSpace(e.FaultReason));
            Assert.NotNull(e.FaultedAt);
        });

        await system.SetFaultsAsync("Both");
        await WaitUntilGeocodingWorksAgainAsync(api);
        var geocodesBefore = (await system.StatsAsync()).GeocodeRequests;
        var replay = await deadLetters.ReplayAsync(new DeadLetterReplayRequest(QueueNames.GeocodePostcode));
        // The six, plus any probe that failed while the circuit was still open.
        Assert.InRange(replay.Replayed, 6, 16);

        var done = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(60), status => status == "Completed");
        Assert.Equal(0, (await deadLetters.ListAsync(QueueNames.GeocodePostcode)).Total);
        Assert.Equal(geocodesBefore + replay.Replayed, (await system.StatsAsync()).GeocodeRequests);
        foreach (var status in done.Values)
        {
            Assert.Equal(1, status.GetProperty("attempts").GetInt32());
            var result = status.GetProperty("result");
            var ids = result.GetProperty("crimes").EnumerateArray().Select(c => c.GetProperty("id").GetRawText()).ToList();
            Assert.Equal(result.GetProperty("totalCrimes").GetInt32(), ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    /// <summary>
    /// What an operator checks before replaying: the workers' circuit breaker (open during the outage) lets calls
    /// through again. A fresh probe lookup each time, until one completes.
    /// </summary>
    private static async Task WaitUntilGeocodingWorksAgainAsync(HttpClient api)
    {
        foreach (var probe in Lookups.Postcodes(10, offset: 2100))
        {
            var id = await Lookups.AcceptAsync(api, probe);
            var outcome = await Lookups.WaitForAsync(api, [id], TimeSpan.FromSeconds(30));
            if (outcome[id].GetProperty("status").GetString() == "Completed")
            {
                return;
            }
        }

        Assert.Fail("geocoding did not recover after the outage ended");
    }
}
