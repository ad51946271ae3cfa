using System.Diagnostics;
using EventDriven.Contracts;
using EventDriven.TestSupport;

namespace EventDriven.Distributed.Tests;

/// <summary>SIGTERM, as systemd sends it when the Auto Scaling termination lifecycle hook drains an instance.</summary>
[Collection(DistributedCollection.Name)]
public sealed class When_a_worker_is_told_to_stop_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_finish_the_messages_in_flight_and_exit()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.SetFaultsAsync("PoliceApi", latency: TimeSpan.FromSeconds(3));
        var workers = await system.StartConsumersAsync(new Dictionary<string, string> { ["Workers__ShutdownTimeout"] = "00:00:20" });
        var api = (await system.StartProducersAsync()).Http;
        var lookups = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(5, offset: 3000))
        {
            lookups.Add(await Lookups.AcceptAsync(api, postcode));
        }

        await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(30), status => status == "FetchingCrimes");
        await CrimesCallsUnderWayAsync(system, 5);
        var clock = Stopwatch.StartNew();
        workers.Terminate();

        Assert.True(await workers.WaitForExitAsync(TimeSpan.FromSeconds(25)), "the worker did not exit within its shutdown timeout");
        Assert.Equal(0, workers.ExitCode);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.5), $"exited after {clock.Elapsed}: it cannot have waited for the 3-second calls");
        Assert.Equal(0u, (await rabbit.Node.QueueDepthAsync(QueueNames.FetchCrimes)).Messages);

        // The fetched results were stored and reported before the exit: a new worker completes every lookup even
        // though the police API is now down (a fetch redelivered because it was cut short would fail instead).
        await system.SetFaultsAsync("PoliceApi", outage: true);
        await system.StartConsumersAsync();
        var done = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(60));
        Assert.All(done.Values, s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Should_exit_within_the_configured_time_and_hand_back_what_it_could_not_finish()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.SetFaultsAsync("PoliceApi", latency: TimeSpan.FromSeconds(60));
        var workers = await system.StartConsumersAsync(new Dictionary<string, string> { ["Workers__ShutdownTimeout"] = "00:00:04" });
        var api = (await system.StartProducersAsync()).Http;
        var lookups = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(3, offset: 3100))
        {
            lookups.Add(await Lookups.AcceptAsync(api, postcode));
        }

        await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(30), status => status == "FetchingCrimes");
        // The worker is in the middle of its first (60-second) police call, and holds every FetchCrimes.
        await Eventually.UntilAsync(
            async () => (await system.StatsAsync()).PoliceHeld >= 1 && (await rabbit.Node.QueueDepthAsync(QueueNames.FetchCrimes)).Messages == 0,
            TimeSpan.FromSeconds(30), () => "no slow police call under way");
        var clock = Stopwatch.StartNew();
        workers.Terminate();

        Assert.True(await workers.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the worker overran its 4-second shutdown timeout by far");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed} to exit with a 4-second shutdown timeout");
        Assert.Equal(3u, (await rabbit.Node.QueueDepthAsync(QueueNames.FetchCrimes)).Messages);

        await system.SetFaultsAsync("PoliceApi");
        await system.StartConsumersAsync();
        var done = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(60));
        Assert.All(done.Values, s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
    }

    /// <summary>The simulator holds this many slow crimes calls: the worker is in the middle of them.</summary>
    private static Task CrimesCallsUnderWayAsync(DistributedSystem system, int calls) => Eventually.UntilAsync(
        async () => (await system.StatsAsync()).CrimesHeld >= calls, TimeSpan.FromSeconds(30), () => $"fewer than {calls} crimes calls under way");
}
