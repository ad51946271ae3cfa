using System.Net;

namespace EventDriven.Producers.Tests;

public sealed class When_many_clients_ask_for_the_same_postcode_Specs
{
    [Fact]
    public async Task Should_call_each_upstream_once_per_key()
    {
        await using var factory = new EmbeddedApiFactory();
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/postcode/B33%208TH")));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        await client.UntilFinishedAsync(responses.First(r => r.StatusCode == HttpStatusCode.Accepted).Headers.Location!.OriginalString);
        Assert.Equal(1, factory.Simulator.Stats.GeocodeRequests);
        Assert.Equal(1, factory.Simulator.Stats.CrimesRequests);
    }
}
