using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventDriven.Producers.Tests;

public sealed class When_operators_use_the_admin_api_Specs : IClassFixture<When_operators_use_the_admin_api_Specs.AdminFactory>
{
    private const string Key = "test-admin-key-7f3a-0123456789abcdef";
    private readonly AdminFactory _factory;
    private readonly HttpClient _client;

    public When_operators_use_the_admin_api_Specs(AdminFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    public sealed class AdminFactory : EmbeddedApiFactory
    {
        public AdminFactory() => WithSetting("Admin:ApiKey", Key);
    }

    [Fact]
    public async Task Should_answer_401_without_a_key()
    {
        var response = await _client.GetAsync("/admin/lookups?state=Completed");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("test-admin-key-7f3")]
    [InlineData("test-admin-key-7f3a ")]
    public async Task Should_answer_403_with_a_wrong_key(string key)
    {
        var response = await Send(HttpMethod.Get, "/admin/lookups?state=Completed", key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_everyone_while_no_key_is_configured()
    {
        await using var factory = new EmbeddedApiFactory();
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/lookups?state=Completed");
        request.Headers.Add("X-Api-Key", "anything");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Admin__ApiKey", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_show_a_lookup_by_id_postcode_and_state()
    {
        var accepted = await _client.GetAsync("/postcode/OX1%201DP");
        var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
        await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        var byId = await (await Send(HttpMethod.Get, $"/admin/lookups/{lookupId}", Key)).Content.ReadFromJsonAsync<JsonElement>();
        var byPostcode = await (await Send(HttpMethod.Get, "/admin/lookups/by-postcode/ox11dp", Key)).Content.ReadFromJsonAsync<JsonElement>();
        var page = await (await Send(HttpMethod.Get, "/admin/lookups?state=completed&limit=200", Key)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Completed", byId.GetProperty("status").GetString());
        Assert.Equal("postcode:OX1 1DP", byId.GetProperty("lookupKey").GetString());
        Assert.True(byId.GetProperty("version").GetInt32() >= 0);
        Assert.Equal(lookupId, byPostcode.GetProperty("lookupId").GetGuid());
        Assert.Contains(page.GetProperty("items").EnumerateArray(), item => item.GetProperty("lookupId").GetGuid() == lookupId);
    }

    [Fact]
    public async Task Should_find_a_lookup_by_coordinates()
    {
        var accepted = await _client.GetAsync("/coordinates?latitude=53.8&longitude=-1.55");
        var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
        await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        var found = await Send(HttpMethod.Get, "/admin/lookups/by-coordinates?latitude=53.80001&longitude=-1.55", Key);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(lookupId, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid());
    }

    [Theory]
    [InlineData("/admin/lookups?state=Sleeping")]
    [InlineData("/admin/lookups?state=Completed&limit=0")]
    [InlineData("/admin/lookups/not-a-guid")]
    [InlineData("/admin/lookups/by-postcode/QQ1%201AA")]
    [InlineData("/admin/lookups/by-coordinates?latitude=NaN&longitude=1")]
    public async Task Should_reject_bad_queries_with_problem_json(string path)
    {
        var response = await Send(HttpMethod.Get, path, Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_lookup()
    {
        var response = await Send(HttpMethod.Get, "/admin/lookups/by-postcode/ZE1%200AA", Key);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Should_list_the_unsupported_postcode_registry()
    {
        var response = await Send(HttpMethod.Get, "/admin/unsupported-postcodes", Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await response.Content.ReadFromJsonAsync<JsonElement>()).ValueKind);
    }

    [Fact]
    public async Task Should_explain_that_embedded_mode_keeps_no_dead_letters()
    {
        var response = await Send(HttpMethod.Get, "/admin/dead-letters", Key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("RabbitMQ", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Should_reject_a_replay_of_a_queue_that_is_not_ours()
    {
        var response = await Send(HttpMethod.Post, "/admin/dead-letters/replay?queue=payments", Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("payments", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string key)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        return await _client.SendAsync(request);
    }
}
