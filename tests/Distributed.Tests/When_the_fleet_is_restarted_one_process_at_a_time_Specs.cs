using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// A rolling deploy behind a real load balancer (HAProxy, round robin, health-checked on <c>/health/ready</c> like the
/// ALB): two API instances and two workers are stopped with SIGTERM and started again one at a time while a client
/// sends cache hits and misses through the balancer. Each API leaves the way the balancer expects (not ready first,
/// then drain), so no client request fails, and every accepted lookup finishes.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_the_fleet_is_restarted_one_process_at_a_time_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_fail_no_client_request_and_finish_every_accepted_lookup()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await using var fleet = await BalancedFleet.StartAsync(system);
        var client = fleet.Client;
        var hits = await fleet.PrimeCacheHitsAsync(20, offset: 15000);

        await using var traffic = RollingTraffic.Start(client, hits, Lookups.Postcodes(5000, offset: 15100));
        await fleet.RestartOneAtATimeAsync(output.WriteLine);

        var result = await traffic.StopAsync();
        output.WriteLine($"client: {result.Requests} requests in {result.Elapsed.TotalSeconds:0.0} s = {result.Rate:0.0} req/s " +
                         $"({result.Hits} hits answered 200, {result.Accepted.Count} misses accepted 202), {result.Failures.Count} failed, " +
                         $"{result.AskedAgainAfter503} asked again after the API's 503 with Retry-After");
        Assert.True(result.Failures.Count == 0, "failed client requests during the rolling restart:\n" + string.Join("\n", result.Failures.Take(20)));
        Assert.True(result.Rate >= 20, $"the client managed only {result.Rate:0.0} req/s: the test did not load the fleet as asked");

        Lookups.AssertCompleted(await Lookups.WaitForAsync(client, result.Accepted.ToList(), TimeSpan.FromSeconds(180)));
    }
}
