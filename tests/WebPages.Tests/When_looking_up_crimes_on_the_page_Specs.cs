using System.Globalization;
using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

[Collection(WebPagesCollection.Name)]
public sealed class When_looking_up_crimes_on_the_page_Specs(PagesApp app, Chromium browser, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private readonly LookupPage _page = new(browser);

    [Fact]
    public async Task Should_follow_a_new_postcode_lookup_and_show_what_the_api_answers()
    {
        browser.Open(app.Url("/?postcode=SW1A1AA"));
        _page.WaitForResult();
        var api = await CompletedAnswerAsync("/postcode/SW1A1AA");

        // It followed the 202 to the end: the 202's state first, Completed last, and polls of the Location.
        Assert.Equal("Geocoding", _page.StatesSeen[0]);
        Assert.Equal("Completed", _page.StatesSeen[^1]);
        Assert.Single(_page.StatesSeen, s => s == "Completed");
        Assert.Contains(browser.AddressesRequested(), a => a.Contains($"/lookups/{api.GetProperty("lookupId").GetString()}", StringComparison.Ordinal));

        AssertShows(api);
        Assert.Equal("simulated", _page.DataSource);
        Assert.True(Driver.FindElement(By.Id("simulated-notice")).Displayed, "simulated data is said to be simulated");
        Assert.StartsWith("Crimes within 1 mile of SW1A 1AA", Driver.FindElement(By.Id("result-title")).Text, StringComparison.Ordinal);
        AssertOnlyThisHostWasAsked();
        Assert.Empty(browser.ScriptErrors());
        output.WriteLine($"screenshot: {browser.SaveScreenshot("lookup-postcode", through: "[data-testid=crime-table] tbody tr:nth-child(6)")}");
    }

    [Fact]
    public async Task Should_take_coordinates_from_the_keyboard_and_put_the_result_in_focus()
    {
        browser.Open(app.Url("/"));
        browser.WaitUntil(_ => _page.Latitude.Displayed, "the form");

        _page.Latitude.SendKeys("52.6297");
        _page.Longitude.SendKeys("-1.1316" + Keys.Enter);
        _page.WaitForResult();

        // The address says what was asked, so it can be shared or reloaded.
        Assert.EndsWith("/?latitude=52.6297&longitude=-1.1316", Driver.Url, StringComparison.Ordinal);
        Assert.Equal("result-title", Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
        // A point needs no geocoding: the page starts at fetching crimes and says the first step was not needed.
        Assert.Equal("FetchingCrimes", _page.StatesSeen[0]);
        Assert.Contains("skipped", Driver.FindElement(By.CssSelector("[data-step=Geocoding]")).GetDomAttribute("class"), StringComparison.Ordinal);

        AssertShows(await CompletedAnswerAsync("/coordinates?latitude=52.6297&longitude=-1.1316"));
        AssertOnlyThisHostWasAsked();
        Assert.Empty(browser.ScriptErrors());
    }

    [Fact]
    public async Task Should_answer_a_stored_result_at_once_and_go_back_to_the_previous_lookup()
    {
        var first = await CompletedAnswerAsync("/postcode/CR2 6XH");
        await CompletedAnswerAsync("/postcode/DN55 1PT");

        browser.Open(app.Url("/?postcode=CR26XH"));
        _page.WaitForResult();
        // A 200 at once: nothing to follow.
        Assert.Equal(["Completed"], _page.StatesSeen);
        Assert.DoesNotContain(browser.AddressesRequested(), a => a.Contains("/lookups/", StringComparison.Ordinal));
        AssertShows(first);

        _page.Postcode.Clear();
        _page.Postcode.SendKeys("DN55 1PT" + Keys.Enter);
        browser.WaitUntil(d => d.FindElement(By.Id("result-title")).Text.Contains("DN55 1PT", StringComparison.Ordinal), "the second result");

        Driver.Navigate().Back();
        browser.WaitUntil(d => d.FindElement(By.Id("result-title")).Text.Contains("CR2 6XH", StringComparison.Ordinal), "the first result again");
        Assert.Equal("CR26XH", _page.Postcode.GetDomProperty("value"));
        AssertShows(first);
    }

    private IWebDriver Driver => browser.Driver;

    /// <summary>Asks the API as any client would, polling a 202 until Completed.</summary>
    private async Task<JsonElement> CompletedAnswerAsync(string path)
    {
        var deadline = DateTime.UtcNow + Chromium.Patience;
        while (true)
        {
            using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not complete in time");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>The page's total, chart, plot and table against the API's JSON for the same query.</summary>
    private void AssertShows(JsonElement api)
    {
        var byCategory = api.GetProperty("byCategory").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var crimes = api.GetProperty("crimes").EnumerateArray().ToList();
        Assert.True(crimes.Count > 0, "the simulator gives this place some crimes");

        Assert.Equal(api.GetProperty("totalCrimes").GetInt32(), _page.TotalCrimes);
        Assert.Equal(byCategory.OrderBy(p => p.Key), _page.Chart.OrderBy(p => p.Key));

        var plotted = _page.PlottedCategories;
        Assert.Equal(crimes.Count, plotted.Count);
        Assert.Equal(byCategory.OrderBy(p => p.Key), plotted.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key));
        Assert.Equal(api.GetProperty("radiusMiles").GetDouble().ToString(CultureInfo.InvariantCulture), _page.PlotRadiusMiles);

        var rows = _page.TableRows;
        Assert.Equal(crimes.Count, rows.Count);
        Assert.Equal(crimes.Select(c => c.GetProperty("street").GetString()).Order(StringComparer.Ordinal), rows.Select(r => r[0]).Order(StringComparer.Ordinal));

        var month = DateTime.ParseExact(api.GetProperty("month").GetString()!, "yyyy-MM", CultureInfo.InvariantCulture);
        Assert.Equal(month.ToString("MMMM yyyy", CultureInfo.InvariantCulture), _page.Month);
        Assert.Equal(api.GetProperty("dataSource").GetString(), _page.DataSource);
    }

    /// <summary>No request left 127.0.0.1:port: no CDN, no map tiles, no fonts.</summary>
    private void AssertOnlyThisHostWasAsked()
    {
        var requested = browser.AddressesRequested();
        var elsewhere = requested.Where(a => !a.StartsWith(app.BaseAddress.ToString(), StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, "the page asked other hosts: " + string.Join(", ", elsewhere));
        Assert.Contains(requested, a => a.EndsWith("/js/lookup-page.js", StringComparison.Ordinal));
    }
}
