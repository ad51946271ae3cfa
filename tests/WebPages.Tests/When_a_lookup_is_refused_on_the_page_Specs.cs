using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

/// <summary>400, 404 and 422: the page shows the API's problem details (title and detail) as a message, read aloud.</summary>
[Collection(WebPagesCollection.Name)]
public sealed class When_a_lookup_is_refused_on_the_page_Specs(PagesApp app, Chromium browser, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private readonly LookupPage _page = new(browser);

    [Fact]
    public async Task Should_say_why_a_scottish_postcode_cannot_be_looked_up()
    {
        browser.Open(app.Url("/?postcode=EH1%201YZ"));
        var shown = _page.WaitForProblem();

        Assert.Equal(await ProblemAsync("/postcode/EH1%201YZ", HttpStatusCode.UnprocessableEntity), shown);
        Assert.Equal("alert", _page.Problem.GetDomAttribute("role"));
        Assert.False(Driver.FindElement(By.Id("result")).Displayed);
        Assert.Empty(browser.ScriptErrors());
        output.WriteLine($"screenshot: {browser.SaveScreenshot("lookup-scottish")}");
    }

    [Fact]
    public async Task Should_say_what_is_wrong_with_a_badly_formed_postcode_and_mark_the_field()
    {
        browser.Open(app.Url("/"));
        browser.WaitUntil(_ => _page.Postcode.Displayed, "the form");

        _page.Postcode.SendKeys("QQ1 1AA" + Keys.Enter);
        var shown = _page.WaitForProblem();

        Assert.Equal(await ProblemAsync("/postcode/QQ1%201AA", HttpStatusCode.BadRequest), shown);
        Assert.Equal("true", _page.Postcode.GetDomAttribute("aria-invalid"));
        Assert.Contains("problem", _page.Postcode.GetDomAttribute("aria-describedby"), StringComparison.Ordinal);
        output.WriteLine($"screenshot: {browser.SaveScreenshot("lookup-bad-format")}");

        // Corrected, the field is no longer marked and the message goes.
        _page.Postcode.Clear();
        _page.Postcode.SendKeys("SW1A 2AA" + Keys.Enter);
        _page.WaitForResult();
        Assert.Null(_page.Postcode.GetDomAttribute("aria-invalid"));
        Assert.Empty(_page.Problem.Text);
    }

    [Fact]
    public async Task Should_follow_an_unknown_postcode_to_its_not_found_answer()
    {
        browser.Open(app.Url("/?postcode=M1%209ZZ"));
        var shown = _page.WaitForProblem();

        // Accepted first (only the geocoder knows), followed until NotFound, then the query's own 404 explains it.
        Assert.Equal("Geocoding", _page.StatesSeen[0]);
        Assert.Equal("NotFound", _page.StatesSeen[^1]);
        Assert.Equal(await ProblemAsync("/postcode/M1%209ZZ", HttpStatusCode.NotFound), shown);
    }

    [Fact]
    public async Task Should_say_what_is_wrong_with_coordinates_outside_the_coverage()
    {
        browser.Open(app.Url("/?latitude=48.85&longitude=2.35"));
        var shown = _page.WaitForProblem();

        Assert.Equal(await ProblemAsync("/coordinates?latitude=48.85&longitude=2.35", HttpStatusCode.BadRequest), shown);
        Assert.Equal("true", _page.Latitude.GetDomAttribute("aria-invalid"));
        Assert.Equal("true", _page.Longitude.GetDomAttribute("aria-invalid"));
    }

    [Fact]
    public void Should_say_that_a_lookup_failed_when_its_area_is_too_dense_to_fetch()
    {
        // The simulator's Bristol holds more crimes than even 16 sectors may return: the saga ends Failed.
        browser.Open(app.Url("/?latitude=51.4545&longitude=-2.5879"));
        var (title, detail) = _page.WaitForProblem();

        Assert.Equal("Failed", _page.StatesSeen[^1]);
        Assert.Equal("The lookup failed", title);
        Assert.Contains("try again", detail, StringComparison.OrdinalIgnoreCase);
    }

    private IWebDriver Driver => browser.Driver;

    /// <summary>The API's own problem details for the query: (title, detail).</summary>
    private async Task<(string Title, string Detail)> ProblemAsync(string path, HttpStatusCode expected)
    {
        using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (problem.GetProperty("title").GetString()!, problem.GetProperty("detail").GetString()!);
    }
}
