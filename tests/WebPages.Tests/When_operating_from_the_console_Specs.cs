using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

/// <summary>
/// The operations console (/ops/) on the embedded app: the key, the states and diagram, a lookup's history. Its
/// postcodes and points are ones no other class of the collection asks for: theirs must be new lookups when they run.
/// </summary>
[Collection(WebPagesCollection.Name)]
public sealed class When_operating_from_the_console_Specs(PagesApp app, Chromium browser, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private const string KeyStorage = "eventdriven.ops.adminKey";

    private IWebDriver Driver => browser.Driver;

    [Fact]
    public async Task Should_show_a_lookups_history_as_its_timeline()
    {
        var lookupId = await CompletedLookupAsync("/postcode/E1%206AN");
        var api = await AdminJsonAsync($"/admin/lookups/{lookupId}/history");
        var apiKinds = api.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList();

        Connect();
        // Listed from the states table: the Completed state's lookups, most recently updated first.
        Driver.FindElement(By.CssSelector("#states-table [data-list-state=Completed]")).Click();
        var row = browser.WaitUntil(d => d.FindElement(By.CssSelector($"#lookups-table tr[data-lookup-id='{lookupId}']")), "the lookup in the Completed list");
        row.FindElement(By.CssSelector("[data-history]")).SendKeys(Keys.Enter);

        browser.WaitUntil(_ => Kinds().Count == apiKinds.Count && Kinds().Count > 0, "the history's timeline");
        Assert.Equal(apiKinds, Kinds());
        var timeline = Driver.FindElement(By.CssSelector("[data-testid=history-timeline]")).Text;
        // The lookup's life as the saga and the workers recorded it: geocoded, crimes fetched, each upstream call.
        Assert.Contains("Initial → Geocoding", timeline, StringComparison.Ordinal);
        Assert.Contains("FetchingCrimes → Completed", timeline, StringComparison.Ordinal);
        Assert.Contains(apiKinds, k => k == "upstream");
        Assert.Contains("/crimes-street/all-crime", timeline, StringComparison.Ordinal);
        Assert.Equal("history-title", Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
        Assert.Contains("E1 6AN", Driver.FindElement(By.Id("history-summary")).Text, StringComparison.Ordinal);

        Assert.Empty(browser.ScriptErrors());
        AssertOnlyThisHostWasAsked();
        output.WriteLine($"screenshot: {browser.SaveScreenshot("ops-console", through: "#history-section")}");
    }

    [Fact]
    public async Task Should_show_the_states_live_counts_and_every_transition_of_the_diagram()
    {
        await CompletedLookupAsync("/postcode/N1%209GU");
        var api = await AdminJsonAsync("/admin/states");
        var diagram = api.GetProperty("diagram").GetString()!;

        Connect();

        var states = api.GetProperty("states").EnumerateArray().Select(s => s.GetProperty("state").GetString()!).ToList();
        Assert.Equal(states, browser.Strings("return [...document.querySelectorAll('#states-table tbody tr')].map(r => r.dataset.state);"));
        Assert.True(CountShown("Completed") >= 1, "the completed lookup is counted");
        // The picture has a box per state with its count, and the table lists every line of the Mermaid text.
        foreach (var state in states)
        {
            Assert.NotNull(Driver.FindElement(By.CssSelector($"[data-testid=state-diagram] [data-state={state}] .diagram-count")));
        }

        var transitions = diagram.Split('\n').Count(l => l.Contains("-->", StringComparison.Ordinal));
        Assert.True(transitions > 10, $"the diagram has {transitions} transitions");
        Assert.Equal(transitions, Driver.FindElements(By.CssSelector("[data-testid=transitions-table] tbody tr")).Count);
        Assert.Equal(diagram, Driver.FindElement(By.Id("diagram-text")).GetDomProperty("textContent"));

        // Live: a new lookup shows up in the counts without a reload.
        var before = CountShown("Completed");
        await CompletedLookupAsync("/coordinates?latitude=53.4808&longitude=-2.2426");
        browser.WaitUntil(_ => CountShown("Completed") > before, "the Completed count to go up by itself");
    }

    [Fact]
    public void Should_keep_the_key_for_the_tab_only_and_ask_again_when_it_is_wrong()
    {
        Connect();
        var js = (IJavaScriptExecutor)Driver;
        Assert.Equal(PagesApp.AdminKey, js.ExecuteScript($"return sessionStorage.getItem('{KeyStorage}');"));
        Assert.Equal(0L, js.ExecuteScript("return localStorage.length;"));
        Assert.Empty(Driver.FindElement(By.Id("admin-key")).GetDomProperty("value")!);

        // The tab remembers it across a reload.
        browser.Open(app.Url("/ops/"));
        browser.WaitUntil(d => d.FindElement(By.Id("console")).Displayed, "the console without asking again");

        Driver.FindElement(By.Id("forget-key")).Click();
        Assert.Null(js.ExecuteScript($"return sessionStorage.getItem('{KeyStorage}');"));

        Driver.FindElement(By.Id("admin-key")).SendKeys("not-the-key-but-long-enough-0123456789" + Keys.Enter);
        browser.WaitUntil(d => d.FindElements(By.CssSelector("[data-testid=problem-title]")).Count > 0, "the refusal");
        Assert.False(Driver.FindElement(By.Id("console")).Displayed);
        Assert.Null(js.ExecuteScript($"return sessionStorage.getItem('{KeyStorage}');"));
        Assert.Equal("admin-key", Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
    }

    [Fact]
    public async Task Should_find_no_serious_accessibility_violation_on_the_console()
    {
        var lookupId = await CompletedLookupAsync("/postcode/E1%206AN");

        Connect();
        browser.Open(app.Url($"/ops/?lookup={lookupId}"));
        browser.WaitUntil(_ => Kinds().Count > 0, "the history");
        // Everything showing: the transitions and the Mermaid text too.
        ((IJavaScriptExecutor)Driver).ExecuteScript("document.querySelectorAll('details').forEach(d => d.open = true);");

        var (violations, passed) = Axe.Analyze(Driver);
        foreach (var violation in violations)
        {
            output.WriteLine($"{violation.Impact} {violation.Id}: {violation.Help} at {string.Join(", ", violation.Targets)}");
        }

        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, "axe found on the console: " + string.Join("; ",
            serious.Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Targets)}")));
        Assert.True(passed > 10, $"axe passed only {passed} rules: did it run?");
    }

    /// <summary>Opens the console and gives it the key from the keyboard; waits for the states.</summary>
    private void Connect()
    {
        browser.Open(app.Url("/ops/"));
        var key = browser.WaitUntil(d => d.FindElement(By.Id("admin-key")), "the key field");
        if (!Driver.FindElement(By.Id("console")).Displayed)
        {
            key.SendKeys(PagesApp.AdminKey + Keys.Enter);
        }

        browser.WaitUntil(d => d.FindElement(By.Id("console")).Displayed && d.FindElements(By.CssSelector("#states-table tbody tr")).Count > 0, "the console's states");
    }

    private IReadOnlyList<string> Kinds() =>
        browser.Strings("return [...document.querySelectorAll('[data-testid=history-timeline] > li')].map(li => li.dataset.kind);");

    private long CountShown(string state) =>
        long.Parse(Driver.FindElement(By.CssSelector($"#states-table tr[data-state={state}] td.num")).GetDomAttribute("data-count")!, System.Globalization.CultureInfo.InvariantCulture);

    private void AssertOnlyThisHostWasAsked() =>
        Assert.All(browser.AddressesRequested(), a => Assert.StartsWith(app.BaseAddress.GetLeftPart(UriPartial.Authority), a, StringComparison.Ordinal));

    private async Task<JsonElement> AdminJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Api-Key", PagesApp.AdminKey);
        using var response = await app.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> CompletedLookupAsync(string path)
    {
        var deadline = DateTime.UtcNow + Chromium.Patience;
        while (true)
        {
            using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("lookupId").GetString()!;
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not complete in time");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
