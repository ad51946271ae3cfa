using System.Net;

namespace EventDriven.Producers.Tests;

public sealed class When_a_client_sends_too_many_requests_Specs
{
    [Fact]
    public async Task Should_answer_429_problem_json_with_retry_after_beyond_its_budget()
    {
        await using var factory = new EmbeddedApiFactory()
            .WithSetting("RateLimiting:PermitsPerSecond", "1")
            .WithSetting("RateLimiting:Burst", "3");
        var client = factory.CreateClient();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            responses.Add(await client.GetAsync("/postcode/QQ1"));
        }

        Assert.All(responses.Take(3), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var limited = responses[4];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        // Health checks are not rate limited: the load balancer must always get through.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }
}
