using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;

namespace EventDriven.Producers.Tests;

public sealed class When_looking_up_coordinates_Specs(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Should_accept_then_complete_then_answer_from_the_results_store()
    {
        var accepted = await _client.GetAsync("/coordinates?longitude=-1.131592&latitude=52.629729");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();

        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
        Assert.Equal("Completed", finished.GetProperty("status").GetString());

        // Within the key's precision (4 decimals) it is the same lookup.
        var hit = await _client.GetAsync("/coordinates?longitude=-1.13159&latitude=52.62973");
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        When_looking_up_a_postcode_Specs.AssertResultShape(await hit.Content.ReadFromJsonAsync<JsonElement>(), lookupId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?longitude=-1.1")]
    [InlineData("?latitude=52.6")]
    [InlineData("?longitude=abc&latitude=52.6")]
    [InlineData("?longitude=-1.1&latitude=NaN")]
    [InlineData("?longitude=Infinity&latitude=52.6")]
    [InlineData("?longitude=1e309&latitude=52.6")]
    [InlineData("?longitude=-1.1&latitude=91")]
    [InlineData("?longitude=-181&latitude=52.6")]
    [InlineData("?longitude=2.35&latitude=48.85")]
    [InlineData("?longitude=-1.1&latitude=52.6&latitude=52.7")]
    [InlineData("?longitude=-1,1&latitude=52.6")]
    public async Task Should_reject_bad_coordinates_with_problem_json(string query)
    {
        var response = await _client.GetAsync("/coordinates" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_split_a_dense_area_and_still_complete()
    {
        var dense = Simulator.SyntheticCrimes.Dense;
        var accepted = await _client.GetAsync(FormattableString.Invariant($"/coordinates?longitude={dense.Longitude}&latitude={dense.Latitude}"));
        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        Assert.Equal("Completed", finished.GetProperty("status").GetString());
        Assert.True(finished.GetProperty("result").GetProperty("totalCrimes").GetInt32() > 10_000 * 0.9);
    }

    [Fact]
    public async Task Should_fail_with_a_reason_when_the_area_cannot_be_queried()
    {
        var extreme = Simulator.SyntheticCrimes.Extreme;
        var accepted = await _client.GetAsync(FormattableString.Invariant($"/coordinates?longitude={extreme.Longitude}&latitude={extreme.Latitude}"));
        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        Assert.Equal("Failed", finished.GetProperty("status").GetString());
        Assert.Equal(LookupReasons.AreaTooDense, finished.GetProperty("reasonCode").GetString());
        Assert.Contains("more crimes", finished.GetProperty("reason").GetString());
    }
}
