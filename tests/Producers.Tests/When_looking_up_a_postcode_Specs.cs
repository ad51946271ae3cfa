using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;

namespace EventDriven.Producers.Tests;

public sealed class When_looking_up_a_postcode_Specs(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Should_accept_then_complete_then_answer_from_the_results_store()
    {
        var accepted = await _client.GetAsync("/postcode/sw1a2aa");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var lookupId = body.GetProperty("lookupId").GetGuid();
        Assert.Equal($"/lookups/{lookupId}", accepted.Headers.Location!.OriginalString);
        Assert.Equal("Geocoding", body.GetProperty("status").GetString());

        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location.OriginalString);
        Assert.Equal("Completed", finished.GetProperty("status").GetString());
        var result = finished.GetProperty("result");
        Assert.Equal("SW1A 2AA", result.GetProperty("query").GetProperty("postcode").GetString());
        Assert.Equal("simulated", result.GetProperty("dataSource").GetString());

        var hit = await _client.GetAsync("/postcode/SW1A%202AA");
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        var cached = await hit.Content.ReadFromJsonAsync<JsonElement>();
        AssertResultShape(cached, lookupId);
    }

    [Fact]
    public async Task Should_answer_a_poll_of_a_completed_lookup_with_the_same_result_bytes_as_the_postcode()
    {
        var accepted = await _client.GetAsync("/postcode/SW1A%200AA");
        await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        var postcode = await _client.GetByteArrayAsync("/postcode/SW1A%200AA");
        var poll = await _client.GetAsync(accepted.Headers.Location.OriginalString);

        // The poll's envelope carries the result as the cached bytes /postcode serves, spliced in, not re-serialised.
        Assert.Equal("application/json", poll.Content.Headers.ContentType!.MediaType);
        using var status = JsonDocument.Parse(await poll.Content.ReadAsByteArrayAsync());
        Assert.Equal("Completed", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(postcode), status.RootElement.GetProperty("result").GetRawText());
        Assert.Equal(1, status.RootElement.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Should_reject_a_malformed_postcode_with_problem_json()
    {
        var response = await _client.GetAsync("/postcode/QQ1%201AA");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Should_answer_404_for_a_postcode_the_geocoder_does_not_know()
    {
        var accepted = await _client.GetAsync("/postcode/M2%209ZZ");
        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
        Assert.Equal("NotFound", finished.GetProperty("status").GetString());
        Assert.Equal(LookupReasons.PostcodeNotFound, finished.GetProperty("reasonCode").GetString());
        Assert.Equal(LookupReasons.MessageFor(LookupReasons.PostcodeNotFound), finished.GetProperty("reason").GetString());

        var again = await _client.GetAsync("/postcode/M2%209ZZ");

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType!.MediaType);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(LookupReasons.PostcodeNotFound, problem.GetProperty("reasonCode").GetString());
        Assert.Equal(LookupReasons.MessageFor(LookupReasons.PostcodeNotFound), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_answer_422_at_once_for_a_certainly_scottish_postcode()
    {
        var response = await _client.GetAsync("/postcode/EH1%201YZ");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Police Scotland", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Should_let_the_geocoder_decide_for_cross_border_areas()
    {
        // TD1 is in Scotland, TD15 (Berwick-upon-Tweed) in England: the area alone cannot tell.
        var scottish = await _client.GetAsync("/postcode/TD1%201AB");
        Assert.Equal(HttpStatusCode.Accepted, scottish.StatusCode);
        var finished = await _client.UntilFinishedAsync(scottish.Headers.Location!.OriginalString);
        Assert.Equal("Unsupported", finished.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _client.GetAsync("/postcode/TD1%201AB")).StatusCode);

        var english = await _client.GetAsync("/postcode/TD15%201AB");
        Assert.Equal(HttpStatusCode.Accepted, english.StatusCode);
        var englishFinished = await _client.UntilFinishedAsync(english.Headers.Location!.OriginalString);
        Assert.Equal("Completed", englishFinished.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("LS1 8ZZ")]
    [InlineData("JE2 4ST")] // postcodes.io issue #310: Jersey has no coordinates
    [InlineData("IM1 1AD")] // postcodes.io issue #426: nor has the Isle of Man
    public async Task Should_answer_a_postcode_without_coordinates_with_its_own_final_problem_and_no_more_geocoding(string postcode)
    {
        var path = "/postcode/" + Uri.EscapeDataString(postcode);
        var accepted = await _client.GetAsync(path);
        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
        Assert.Equal("NoLocation", finished.GetProperty("status").GetString());
        Assert.Equal(LookupReasons.PostcodeWithoutLocation, finished.GetProperty("reasonCode").GetString());
        Assert.Contains("no coordinates", finished.GetProperty("reason").GetString());
        var geocodedBefore = factory.Simulator.Stats.GeocodeRequests;

        for (var i = 0; i < 20; i++)
        {
            var again = await _client.GetAsync(path);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType!.MediaType);
            var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Postcode has no location", problem.GetProperty("title").GetString());
        }

        Assert.Equal(geocodedBefore, factory.Simulator.Stats.GeocodeRequests);
    }

    [Fact]
    public async Task Should_say_when_a_terminated_postcode_ended_rather_than_not_found()
    {
        var accepted = await _client.GetAsync("/postcode/SW1A%207ZZ");
        var finished = await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
        Assert.Equal("NotFound", finished.GetProperty("status").GetString());

        var again = await _client.GetAsync("/postcode/SW1A%207ZZ");

        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Postcode terminated", problem.GetProperty("title").GetString());
        Assert.Equal("Terminated in June 2015: the postcode is no longer in use.", problem.GetProperty("detail").GetString());
        Assert.Equal(LookupReasons.PostcodeNotFound, problem.GetProperty("reasonCode").GetString());
    }

    internal static void AssertResultShape(JsonElement result, Guid lookupId)
    {
        Assert.Equal(lookupId, result.GetProperty("lookupId").GetGuid());
        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, result.GetProperty("location").GetProperty("latitude").ValueKind);
        Assert.Matches(@"^\d{4}-\d{2}$", result.GetProperty("month").GetString()!);
        Assert.Equal(1, result.GetProperty("radiusMiles").GetDouble());
        var total = result.GetProperty("totalCrimes").GetInt32();
        var crimes = result.GetProperty("crimes");
        Assert.Equal(total, crimes.GetArrayLength());
        Assert.Equal(total, result.GetProperty("byCategory").EnumerateObject().Sum(c => c.Value.GetInt32()));
        foreach (var crime in crimes.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.Number, crime.GetProperty("latitude").ValueKind);
            Assert.Equal(JsonValueKind.Number, crime.GetProperty("longitude").ValueKind);
            Assert.True(crime.GetProperty("outcome").ValueKind is JsonValueKind.Null or JsonValueKind.Object);
        }

        Assert.Equal("simulated", result.GetProperty("dataSource").GetString());
    }
}
