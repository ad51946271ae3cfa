using System.Diagnostics;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

[Collection(DistributedCollection.Name)]
public sealed class When_a_worker_process_is_killed_with_a_backlog_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_bring_every_accepted_lookup_to_an_end_after_a_restart()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        // Slow upstreams keep a backlog in flight (consuming, unacknowledged) when the process dies. The lookups are all
        // accepted before the worker starts, so how many are still in flight does not depend on how fast they were sent.
        await system.SetFaultsAsync("Both", latency: TimeSpan.FromSeconds(2));
        var api = (await system.StartProducersAsync()).Http;
        var accepted = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(60))
        {
            accepted.Add(await Lookups.AcceptAsync(api, postcode));
        }

        var workers = await system.StartConsumersAsync();

        // Some done, most not: then SIGKILL, no shutdown code runs.
        await Lookups.WaitForAsync(api, accepted.Take(3).ToList(), TimeSpan.FromSeconds(60));
        var before = await Task.WhenAll(accepted.Select(id => Lookups.StatusAsync(api, id)));
        var unfinished = before.Count(s => !Lookups.IsTerminal(s.GetProperty("status").GetString()));
        await workers.KillAsync();
        Assert.True(unfinished > 10, $"only {unfinished} lookups were unfinished when the worker died: the test proves nothing");

        await system.SetFaultsAsync("Both");
        var clock = Stopwatch.StartNew();
        await system.StartConsumersAsync(DistributedSystem.QuickStuckRecovery);
        var started = clock.Elapsed;
        var after = await Lookups.WaitForAsync(api, accepted, TimeSpan.FromSeconds(120));
        output.WriteLine($"worker kill -9 with {unfinished} of {accepted.Count} lookups unfinished: all terminal {clock.Elapsed.TotalSeconds:0.0} s " +
                         $"after a new worker was started ({started.TotalSeconds:0.0} s of it starting the process)");

        Assert.All(after.Values, s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
    }
}
