using System.Diagnostics;
using System.Net;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// Any number of processes start in any order, at the same moment: on an empty store and a fresh broker every one of
/// them ensures the tables, switches TTL on and declares the queues, and none may trip over another doing the same.
/// Each round gets a fresh broker (a new virtual host: no exchange, no queue) and fresh tables.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_the_fleet_starts_all_at_once_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    private const int Rounds = 10;

    [Fact]
    public async Task Should_start_two_apis_and_two_workers_at_the_same_instant_on_an_empty_store_and_broker_ten_times()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        var postcodes = Lookups.Postcodes(Rounds * 2, offset: 7000);
        for (var round = 0; round < Rounds; round++)
        {
            var fresh = await FreshBrokerAndStoreAsync($"fleet-start-{round}");
            var clock = Stopwatch.StartNew();
            // Each StartAsync spawns its process at once and then waits for readiness: the four start together.
            var processes = await Task.WhenAll(
                system.StartProducersAsync(fresh), system.StartProducersAsync(fresh),
                system.StartConsumersAsync(fresh), system.StartConsumersAsync(fresh));
            var ready = clock.Elapsed;

            // Both APIs accept (no 503 for want of a queue) and the lookups complete through the workers.
            var first = await Lookups.AcceptAsync(processes[0].Http, postcodes[round * 2]);
            var second = await Lookups.AcceptAsync(processes[1].Http, postcodes[(round * 2) + 1]);
            var done = await Lookups.WaitForAsync(processes[0].Http, [first, second], TimeSpan.FromSeconds(60));
            Lookups.AssertCompleted(done);
            output.WriteLine($"round {round + 1}: 2 APIs + 2 workers ready {ready.TotalSeconds:0.0} s after starting together; both lookups completed after {clock.Elapsed.TotalSeconds:0.0} s");

            foreach (var process in processes)
            {
                Assert.False(process.HasExited, $"{process.Name} exited:\n{process.Output}");
                await system.KillAsync(process);
            }
        }
    }

    [Fact]
    public async Task Should_accept_lookups_before_any_worker_has_started_and_complete_them_when_one_does()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        var fresh = await FreshBrokerAndStoreAsync("fleet-api-first");
        var api = (await system.StartProducersAsync(fresh)).Http;

        var accepted = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(5, offset: 7100))
        {
            accepted.Add(await Lookups.AcceptAsync(api, postcode)); // 202: the request waits in the saga's queue
        }

        foreach (var id in accepted)
        {
            var waiting = await Lookups.StatusAsync(api, id);
            Assert.Equal("Geocoding", waiting.GetProperty("status").GetString());
        }

        await system.StartConsumersAsync(fresh);
        var done = await Lookups.WaitForAsync(api, accepted, TimeSpan.FromSeconds(60));

        Lookups.AssertCompleted(done);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    private async Task<Dictionary<string, string>> FreshBrokerAndStoreAsync(string virtualHost)
    {
        await rabbit.Node.AddVirtualHostAsync(virtualHost);
        return new Dictionary<string, string>
        {
            ["Bus__RabbitMq__VirtualHost"] = virtualHost,
            ["Persistence__DynamoDb__TablePrefix"] = DynamoDbLocalFixture.NewTablePrefix(),
        };
    }
}
