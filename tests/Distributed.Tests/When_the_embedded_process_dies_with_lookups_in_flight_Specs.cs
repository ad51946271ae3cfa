using System.Diagnostics;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// Embedded mode keeps the saga on DynamoDB (<c>Persistence__Provider=DynamoDb</c>) but its bus in memory: a
/// <c>kill -9</c> loses every message in flight. The saga's state survives, so the process started again drives each
/// lookup left in flight on by itself; no client asks again (the test only reads the status).
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_the_embedded_process_dies_with_lookups_in_flight_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    private static readonly IReadOnlyDictionary<string, string> Embedded = DistributedSystem.EmbeddedOnDynamoDb;

    [Fact]
    public async Task Should_finish_every_lookup_after_a_restart_without_a_client_asking()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.SetFaultsAsync("Both", latency: TimeSpan.FromSeconds(1));
        var first = await system.StartProducersAsync(Embedded);
        var accepted = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(30, offset: 17000))
        {
            accepted.Add(await Lookups.AcceptAsync(first.Http, postcode));
        }

        var before = await Task.WhenAll(accepted.Select(id => Lookups.StatusAsync(first.Http, id)));
        var unfinished = before.Count(s => !Lookups.IsTerminal(s.GetProperty("status").GetString()));
        await system.KillAsync(first);
        Assert.True(unfinished >= 10, $"only {unfinished} lookups were in flight when the process died: the test proves nothing");

        await system.SetFaultsAsync("Both");
        var clock = Stopwatch.StartNew();
        var second = await system.StartProducersAsync(Embedded);
        var started = clock.Elapsed;
        var done = await Lookups.WaitForAsync(second.Http, accepted, TimeSpan.FromSeconds(120));
        output.WriteLine($"embedded on DynamoDB, kill -9 with {unfinished} of {accepted.Count} lookups in flight: all terminal " +
                         $"{clock.Elapsed.TotalSeconds:0.0} s after the restart began ({started.TotalSeconds:0.0} s of it starting the process)");
        Lookups.AssertCompleted(done);
    }
}
