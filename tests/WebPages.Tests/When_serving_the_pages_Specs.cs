using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

/// <summary>The pages as files over HTTP, beside the API: what they load, what they weigh, and the API left as it was.</summary>
[Collection(WebPagesCollection.Name)]
public sealed partial class When_serving_the_pages_Specs(PagesApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task Should_serve_the_lookup_page_at_the_root_with_a_policy_that_keeps_it_on_this_host()
    {
        using var response = await app.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"total-crimes\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_serve_the_console_at_ops_under_the_same_policy()
    {
        // /ops is redirected to /ops/ (the folder's index.html), which carries the same policy as the lookup page.
        using var redirect = await app.Http.GetAsync(new Uri("/ops", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, redirect.StatusCode);
        Assert.EndsWith("/ops/", redirect.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("text/html", redirect.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(' ', redirect.Headers.GetValues("Content-Security-Policy"));
        using var lookupPage = await app.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(string.Join(' ', lookupPage.Headers.GetValues("Content-Security-Policy")), policy);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("/js/ops-console.js", await redirect.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_load_only_files_of_its_own_that_exist()
    {
        var files = await PageFilesAsync();

        // The page's scripts and styles, and every module they import, are local paths that answer 200.
        Assert.Contains("/js/lookup-page.js", files.Keys);
        Assert.Contains("/js/api.js", files.Keys);
        Assert.Contains("/css/site.css", files.Keys);
        var weight = files.Values.Sum();
        output.WriteLine($"page weight: {files.Count} files, {weight:N0} bytes uncompressed: " + string.Join(", ", files.Select(f => $"{f.Key} {f.Value:N0}")));
        Assert.True(weight < 64 * 1024, $"the page weighs {weight:N0} bytes");
    }

    [Theory]
    [InlineData("/js/missing.js", HttpStatusCode.NotFound)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/postcode/QQ1%201AA", HttpStatusCode.BadRequest)]
    [InlineData("/postcode/", HttpStatusCode.BadRequest)]
    [InlineData("/lookups/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/lookups/9f0f4a53-51b1-4b8e-9a52-0d1f1c2a3b4c", HttpStatusCode.NotFound)]
    [InlineData("/coordinates?latitude=1", HttpStatusCode.BadRequest)]
    [InlineData("/admin/lookups", HttpStatusCode.Unauthorized)] // the console's key is set; a request without one is refused
    public async Task Should_leave_the_api_and_its_problem_answers_as_they_were(string path, HttpStatusCode expected)
    {
        using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/postcode/SW1A%202AA")]
    public async Task Should_still_answer_the_api_and_service_endpoints(string path)
    {
        using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}");
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The files the page loads (scripts, styles, icon) and the modules they import, by path, with their sizes.</summary>
    private async Task<Dictionary<string, long>> PageFilesAsync()
    {
        var html = await app.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        var files = new Dictionary<string, long>(StringComparer.Ordinal) { ["/"] = html.Length };
        var pending = new Queue<string>(Loaded().Matches(html).Select(m => m.Groups["path"].Value));
        while (pending.TryDequeue(out var path))
        {
            Assert.True(path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal), $"the page loads {path}, which is not a path on this host");
            if (files.ContainsKey(path))
            {
                continue;
            }

            using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            files[path] = (await response.Content.ReadAsByteArrayAsync()).Length;
            if (path.EndsWith(".js", StringComparison.Ordinal))
            {
                Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
                foreach (Match import in Import().Matches(text))
                {
                    // Modules import each other by relative path only: './api.js'.
                    var target = import.Groups["target"].Value;
                    Assert.StartsWith("./", target, StringComparison.Ordinal);
                    pending.Enqueue(path[..(path.LastIndexOf('/') + 1)] + target[2..]);
                }
            }
        }

        return files;
    }

    [GeneratedRegex("""<(?:script|link)\b[^>]*?\b(?:src|href)="(?<path>[^"]+)"[^>]*>""")]
    private static partial Regex Loaded();

    [GeneratedRegex("""^\s*import\b[^'"]*['"](?<target>[^'"]+)['"]""", RegexOptions.Multiline)]
    private static partial Regex Import();
}
