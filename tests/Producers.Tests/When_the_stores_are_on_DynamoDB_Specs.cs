using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.TestSupport;

namespace EventDriven.Producers.Tests;

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "dynamodb";
}

/// <summary>The embedded end to end with <c>Persistence__Provider=DynamoDb</c> against a real DynamoDB Local.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_the_stores_are_on_DynamoDB_Specs(DynamoDbLocalFixture dynamo)
{
    private EmbeddedApiFactory NewFactory() => new EmbeddedApiFactory()
        .WithSetting("Persistence:Provider", "DynamoDb")
        .WithSetting("Persistence:DynamoDb:ServiceUrl", dynamo.ServiceUrl)
        .WithSetting("Persistence:DynamoDb:TablePrefix", DynamoDbLocalFixture.NewTablePrefix());

    [Fact]
    public async Task Should_accept_then_complete_then_answer_from_the_results_store()
    {
        await using var factory = NewFactory();
        var client = factory.CreateClient();

        var accepted = await client.GetAsync("/postcode/SW1A%201AA");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();

        var finished = await client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);
        Assert.Equal("Completed", finished.GetProperty("status").GetString());

        var hit = await client.GetAsync("/postcode/sw1a1aa");
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        When_looking_up_a_postcode_Specs.AssertResultShape(await hit.Content.ReadFromJsonAsync<JsonElement>(), lookupId);
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task Should_keep_one_upstream_call_per_key_with_optimistic_locking()
    {
        await using var factory = NewFactory();
        var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync("/postcode/B33%208TH")));
        await client.UntilFinishedAsync(responses.First(r => r.Headers.Location is not null).Headers.Location!.OriginalString);

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Equal(1, factory.Simulator.Stats.GeocodeRequests);
        Assert.Equal(1, factory.Simulator.Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_answer_503_problem_json_while_the_store_is_down_and_recover()
    {
        // On disk, so a restart on the same port finds the tables again.
        var dataDirectory = Directory.CreateTempSubdirectory("ddb-outage").FullName;
        await using var server = await DynamoDbLocal.StartAsync(dataDirectory: dataDirectory);
        await using var factory = new EmbeddedApiFactory()
            .WithSetting("Persistence:Provider", "DynamoDb")
            .WithSetting("Persistence:DynamoDb:ServiceUrl", server.ServiceUrl)
            .WithSetting("Persistence:DynamoDb:TablePrefix", DynamoDbLocalFixture.NewTablePrefix());
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await client.GetAsync("/postcode/LS1%201UR")).StatusCode);

        await server.StopAsync();
        var started = DateTime.UtcNow;
        var down = await client.GetAsync("/postcode/LS2%207EY");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType!.MediaType);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the 503 must come quickly, not after a hang");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        await using var restarted = await DynamoDbLocal.StartAsync(port: server.Port, dataDirectory: dataDirectory);
        var recovered = await client.GetAsync("/postcode/LS2%207EY");
        Assert.Equal(HttpStatusCode.Accepted, recovered.StatusCode);
        var finished = await client.UntilFinishedAsync(recovered.Headers.Location!.OriginalString);
        Assert.Equal("Completed", finished.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("%%%not-base64")]
    [InlineData("bm90IGpzb24")] // "not json"
    [InlineData("eyJQayI6IiIsIlN0YXRlIjoiQ29tcGxldGVkIiwiVXBkYXRlZEF0IjoiIn0")] // {"Pk":"","State":"Completed","UpdatedAt":""}
    [InlineData("eyJQayI6IngiLCJTdGF0ZSI6IkZhaWxlZCIsIlVwZGF0ZWRBdCI6InkifQ")] // {"Pk":"x","State":"Failed","UpdatedAt":"y"}
    public async Task Should_answer_400_problem_json_to_a_page_token_it_did_not_issue(string token)
    {
        const string key = "test-admin-key-7f3a-0123456789abcdef";
        await using var factory = NewFactory().WithSetting("Admin:ApiKey", key);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/lookups?state=Completed&pageToken={token}");
        request.Headers.Add("X-Api-Key", key);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("page token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
