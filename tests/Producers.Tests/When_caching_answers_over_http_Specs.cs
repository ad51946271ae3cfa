using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace EventDriven.Producers.Tests;

/// <summary>
/// HTTP caching of results (RFC 9110/9111): a strong ETag per representation, 304 for If-None-Match, Cache-Control with
/// the freshness left, and br/gzip compression when the client asks.
/// </summary>
public sealed class When_caching_answers_over_http_Specs(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private const string Path = "/postcode/B33%208TH";

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Should_send_a_strong_etag_and_answer_304_while_it_holds()
    {
        var hit = await HitAsync();
        var etag = hit.Headers.ETag!;
        Assert.False(etag.IsWeak);

        foreach (var conditional in new[] { etag.Tag, $"W/{etag.Tag}", "\"other\", " + etag.Tag, "*" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Path);
            request.Headers.TryAddWithoutValidation("If-None-Match", conditional);
            var response = await _client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.NotModified, $"If-None-Match: {conditional} gave {response.StatusCode}");
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, response.Headers.ETag);
            Assert.NotNull(response.Headers.CacheControl);
            Assert.Equal(["Accept-Encoding"], response.Headers.Vary);
        }

        using var stale = new HttpRequestMessage(HttpMethod.Get, Path);
        stale.Headers.TryAddWithoutValidation("If-None-Match", "\"an-older-answer\"");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Should_say_how_long_the_answer_holds_until_the_next_check_of_the_police()
    {
        var hit = await HitAsync();

        var cacheControl = hit.Headers.CacheControl!;
        Assert.True(cacheControl.Public);
        Assert.NotNull(cacheControl.MaxAge);
        Assert.InRange(cacheControl.MaxAge.Value, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Should_compress_when_asked_and_tag_each_coding_as_its_own_representation(string coding)
    {
        var identity = await HitAsync();
        var json = await identity.Content.ReadAsByteArrayAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        var compressed = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal([coding], compressed.Content.Headers.ContentEncoding);
        Assert.Equal(["Accept-Encoding"], compressed.Headers.Vary);
        var body = await compressed.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < json.Length / 3, $"{coding}: {body.Length} of {json.Length} bytes");
        Assert.Equal(json, Decompress(body, coding));
        Assert.NotEqual(identity.Headers.ETag, compressed.Headers.ETag);
        Assert.EndsWith($"-{coding}\"", compressed.Headers.ETag!.Tag, StringComparison.Ordinal);

        // The compressed representation's tag gives 304 to a client that asks the same way; the identity tag does not.
        using var again = new HttpRequestMessage(HttpMethod.Get, Path);
        again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        again.Headers.IfNoneMatch.Add(compressed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);
        using var mismatched = new HttpRequestMessage(HttpMethod.Get, Path);
        mismatched.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        mismatched.Headers.IfNoneMatch.Add(identity.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(mismatched)).StatusCode);
    }

    [Fact]
    public async Task Should_answer_uncompressed_without_accept_encoding()
    {
        var hit = await HitAsync();

        Assert.Empty(hit.Content.Headers.ContentEncoding);
        Assert.Equal(["Accept-Encoding"], hit.Headers.Vary);
        var body = await hit.Content.ReadAsByteArrayAsync();
        Assert.Equal(hit.Content.Headers.ContentLength, body.Length);
        Assert.Equal("Completed", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }

    private async Task<HttpResponseMessage> HitAsync()
    {
        var first = await _client.GetAsync(Path);
        if (first.StatusCode == HttpStatusCode.Accepted)
        {
            await _client.UntilFinishedAsync(first.Headers.Location!.OriginalString);
        }

        var hit = await _client.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        return hit;
    }

    private static byte[] Decompress(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }
}
