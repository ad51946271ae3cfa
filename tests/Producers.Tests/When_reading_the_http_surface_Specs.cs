using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;

namespace EventDriven.Producers.Tests;

/// <summary>
/// What the HTTP surface tells a caller beyond its answers: HEAD like GET without a body, an API description that does
/// not echo the caller's Host, the description only where configured, and no other person's request times.
/// Over a real Kestrel socket, as clients reach the service.
/// </summary>
public sealed class When_reading_the_http_surface_Specs : IClassFixture<When_reading_the_http_surface_Specs.KestrelApiFactory>
{
    private readonly HttpClient _client;

    public When_reading_the_http_surface_Specs(KestrelApiFactory factory) => _client = factory.CreateClient();

    public sealed class KestrelApiFactory : EmbeddedApiFactory
    {
        public KestrelApiFactory()
        {
            UseKestrel(0);
            StartServer();
        }
    }

    [Theory]
    [InlineData("/postcode/QQ1", HttpStatusCode.BadRequest)]
    [InlineData("/coordinates?latitude=91&longitude=0", HttpStatusCode.BadRequest)]
    [InlineData("/lookups/0b4ff5d8-3a50-4a39-8c3a-8f9ab6c0e6a1", HttpStatusCode.NotFound)]
    [InlineData("/lookups/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/health/live", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    public async Task Should_answer_head_as_get_without_a_body(string path, HttpStatusCode expected)
    {
        var get = await _client.GetAsync(path);
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(expected, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Should_answer_head_on_a_completed_result_with_its_length_and_no_body()
    {
        var accepted = await _client.GetAsync("/postcode/OX1%203QD");
        await _client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString);

        var get = await _client.GetAsync("/postcode/OX1%203QD");
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/postcode/OX1%203QD"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Should_still_refuse_methods_an_endpoint_does_not_serve()
    {
        var response = await _client.PostAsync("/postcode/SW1A1AA", content: null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Should_never_name_the_callers_host_as_the_api_server()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        var text = await (await _client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(text).RootElement.TryGetProperty("servers", out var servers) && servers.GetArrayLength() > 0, text[..200]);
    }

    [Fact]
    public async Task Should_name_the_configured_server()
    {
        await using var factory = new EmbeddedApiFactory().WithSetting("OpenApi:ServerUrl", "https://api.example.org/live");
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("https://api.example.org/live", Assert.Single(document.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    public async Task Should_serve_the_api_description_in_production_only_when_configured(string environment, string? enabled, HttpStatusCode expected)
    {
        await using var factory = new EmbeddedApiFactory().WithSetting("OpenApi:Enabled", enabled).WithEnvironment(environment);
        var client = factory.CreateClient();

        Assert.Equal(expected, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync("/scalar/v1")).StatusCode);
    }

    [Fact]
    public async Task Should_not_show_when_somebody_else_last_asked_for_a_lookup()
    {
        // A Scottish postcode the area cannot settle: the saga decides (Unsupported) and counts every later request.
        var accepted = await _client.GetAsync("/postcode/TD1%202BB");
        var statusUrl = accepted.Headers.Location!.OriginalString;
        await _client.UntilFinishedAsync(statusUrl);
        var before = await _client.GetStringAsync(statusUrl);

        // Somebody else asks, twice, later.
        await Task.Delay(20);
        await _client.GetAsync("/postcode/TD1%202BB");
        await _client.GetAsync("/postcode/TD1%202BB");
        var after = await _client.GetStringAsync(statusUrl);

        Assert.Equal(before, after);
        var status = JsonDocument.Parse(after).RootElement;
        Assert.Equal(LookupStatus.Unsupported, status.GetProperty("status").GetString());
        Assert.Equal(LookupReasons.UnsupportedArea, status.GetProperty("reasonCode").GetString());
        Assert.False(status.TryGetProperty("updatedAt", out _), after);
    }
}
