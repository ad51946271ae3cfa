using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventDriven.Producers.Tests;

public sealed class When_using_the_service_endpoints_Specs(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Should_report_healthy(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_describe_the_api_in_openapi()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains(paths, p => p.StartsWith("/postcode/", StringComparison.Ordinal));
        Assert.Contains("/coordinates", paths);
        Assert.Contains("/lookups/{lookupId}", paths);
    }

    [Fact]
    public async Task Should_describe_the_selection_the_conditional_request_and_the_caching_headers()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var get = document.GetProperty("paths").GetProperty("/postcode/{postcode}").GetProperty("get");

        var parameters = get.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal("query", parameters["month"].GetProperty("in").GetString());
        Assert.Equal("integer", parameters["months"].GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains("12", parameters["months"].GetProperty("schema").GetProperty("maximum").GetRawText());
        Assert.Contains("category", parameters.Keys);
        Assert.Equal("header", parameters["If-None-Match"].GetProperty("in").GetString());
        var responses = get.GetProperty("responses");
        Assert.True(responses.TryGetProperty("304", out var notModified));
        foreach (var response in new[] { responses.GetProperty("200"), notModified })
        {
            var headers = response.GetProperty("headers");
            Assert.True(headers.TryGetProperty("ETag", out _));
            Assert.True(headers.TryGetProperty("Cache-Control", out _));
        }

        Assert.True(document.GetProperty("paths").GetProperty("/coordinates").GetProperty("get").GetProperty("responses").TryGetProperty("304", out _));
    }

    [Fact]
    public async Task Should_serve_the_scalar_ui()
    {
        var response = await _client.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("scalar", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Should_answer_unknown_lookups_with_404_problem_json()
    {
        var response = await _client.GetAsync($"/lookups/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_reject_a_lookup_id_that_is_not_a_guid()
    {
        var response = await _client.GetAsync("/lookups/not-a-guid");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_answer_unknown_routes_with_problem_json()
    {
        var response = await _client.GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
