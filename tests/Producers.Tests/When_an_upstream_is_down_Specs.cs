using System.Net;
using EventDriven.Simulator;

namespace EventDriven.Producers.Tests;

public sealed class When_an_upstream_is_down_Specs
{
    [Fact]
    public async Task Should_fail_the_lookup_with_the_reason_and_complete_it_once_the_upstream_is_back()
    {
        await using var factory = new EmbeddedApiFactory();
        var client = factory.CreateClient();
        factory.Simulator.Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true, FaultTarget.PostcodesIo);

        var accepted = await client.GetAsync("/postcode/NE1%204ST");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var failed = await client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString, TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("outage", failed.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);

        factory.Simulator.Faults.Reset();
        var retried = await client.GetAsync("/postcode/NE1%204ST");
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var completed = await client.UntilFinishedAsync(retried.Headers.Location!.OriginalString);
        Assert.True(completed.GetProperty("status").GetString() == "Completed", completed.ToString());
        Assert.Equal(2, completed.GetProperty("attempts").GetInt32());
    }
}
