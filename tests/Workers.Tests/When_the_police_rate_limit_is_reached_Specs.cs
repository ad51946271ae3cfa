using EventDriven.Simulator;
using EventDriven.Workers.Upstreams;

namespace EventDriven.Workers.Tests;

public sealed class When_the_police_rate_limit_is_reached_Specs
{
    [Fact]
    public async Task Should_honour_retry_after_and_still_answer_every_request()
    {
        // The client is told it may send far faster than the simulated API allows, so it meets 429s.
        using var host = new UpstreamTestHost(new Dictionary<string, string?>
        {
            ["Upstreams:PoliceApi:RequestsPerSecond"] = "1000",
            ["Upstreams:PoliceApi:Burst"] = "1000",
        }, new SimulatorOptions { PoliceRequestsPerSecond = 15, PoliceBurst = 10 });

        var started = DateTime.UtcNow;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.Police.GetCrimesAroundAsync(52.0 + (i * 0.01), -1.0, host.Simulator.AvailableMonths()[0], requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None)));

        Assert.True(host.Simulator.Stats.Throttled > 0, "the simulator should have answered 429");
        Assert.Equal(host.Simulator.Stats.Throttled, host.Metrics.ThrottledTotal);
        Assert.Equal(20, host.Simulator.Stats.CrimesRequests);
        Assert.All(answers, a => Assert.IsNotType<Upstreams.CrimesAnswer.TooManyCrimes>(a));
        // Retry-After is whole seconds (1 here): honouring it means the retried requests waited at least that long.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "retries did not wait for Retry-After");
    }

    [Fact]
    public async Task Should_stay_under_the_limit_with_the_shared_limiter_at_the_documented_budget()
    {
        using var host = new UpstreamTestHost(new Dictionary<string, string?>
        {
            ["Upstreams:PoliceApi:RequestsPerSecond"] = "15",
            ["Upstreams:PoliceApi:Burst"] = "30",
        }, new SimulatorOptions { PoliceRequestsPerSecond = 15, PoliceBurst = 30 });
        var month = host.Simulator.AvailableMonths()[0];

        await Task.WhenAll(Enumerable.Range(0, 45).Select(i =>
            host.Police.GetCrimesAroundAsync(52.0 + (i * 0.001), -1.0, month, requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None)));

        Assert.Equal(0, host.Simulator.Stats.Throttled);
        Assert.Equal(45, host.Simulator.Stats.CrimesRequests);
    }
}
