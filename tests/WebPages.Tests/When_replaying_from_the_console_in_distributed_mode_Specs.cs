using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.TestSupport;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

/// <summary>
/// The console in distributed mode: Producers and Consumers as separate processes on a private RabbitMQ node and
/// DynamoDB Local, the simulator as a process. An outage of postcodes.io dead-letters lookups; once it is over the
/// operator finds their failure group in the console, dry-runs and replays it, watches the progress, and the lookups complete.
/// </summary>
[Collection(WebPagesCollection.Name)]
public sealed class When_replaying_from_the_console_in_distributed_mode_Specs(DynamoDbLocalFixture dynamo, Chromium browser, ITestOutputHelper output)
    : IClassFixture<Chromium>, IClassFixture<DynamoDbLocalFixture>, IAsyncLifetime
{
    private const int FailedLookups = 4;

    private readonly List<AppProcess> _processes = [];
    private RabbitMqNode? _rabbit;
    private AppProcess? _simulator;
    private AppProcess? _producers;

    private IWebDriver Driver => browser.Driver;
    private HttpClient Api => _producers!.Http;

    [Fact]
    public async Task Should_replay_a_dead_letter_group_and_the_lookups_complete()
    {
        await SetFaultsAsync(outage: true);
        var lookups = new List<Guid>();
        foreach (var postcode in new[] { "B1 1AA", "M2 3AB", "LS1 4DY", "NG1 5FS" }.Take(FailedLookups))
        {
            lookups.Add(await AcceptAsync(postcode));
        }

        await WaitForAsync(lookups, "Failed");
        await SetFaultsAsync(outage: false);
        await WaitUntilGeocodingWorksAsync();

        browser.Open(new Uri(_producers!.BaseAddress, "/ops/").ToString());
        browser.WaitUntil(d => d.FindElement(By.Id("admin-key")), "the key field").SendKeys(AdminKey + Keys.Enter);
        var group = browser.WaitUntil(d => d.FindElements(By.CssSelector("#groups-table tbody tr"))
            .FirstOrDefault(r => r.FindElements(By.TagName("td"))[1].Text == "GeocodePostcode"), "the GeocodePostcode failure group")!;
        var groupId = group.GetDomAttribute("data-group")!;
        var deadLetters = int.Parse(group.FindElement(By.CssSelector("td[data-count]")).GetDomAttribute("data-count")!, CultureInfo.InvariantCulture);
        // The outage's lookups, and any probe that failed while the workers' circuit was still open.
        Assert.InRange(deadLetters, FailedLookups, FailedLookups + 10);

        var rate = Driver.FindElement(By.Id("replay-rate"));
        rate.Clear();
        rate.SendKeys("20");
        group.FindElement(By.CssSelector("[data-dry-run]")).Click();
        var dryRun = browser.WaitUntil(d => d.FindElement(By.CssSelector("[data-testid=dry-run]")), "the dry run");
        browser.WaitUntil(_ => dryRun.Displayed && dryRun.GetDomAttribute("data-count") == deadLetters.ToString(CultureInfo.InvariantCulture), "the dry run's count");
        Assert.Contains("nothing sent", dryRun.Text, StringComparison.Ordinal);
        Assert.Equal(deadLetters, await GroupCountAsync(groupId)); // a dry run leaves them where they are

        group.FindElement(By.CssSelector("[data-replay]")).Click();
        var card = browser.WaitUntil(d => d.FindElement(By.CssSelector("[data-testid=replays-list] li[data-status=Completed]")), "the replay to complete");
        var bar = card.FindElement(By.TagName("progress"));
        Assert.Equal(bar.GetDomAttribute("data-total"), bar.GetDomAttribute("data-done"));
        Assert.Equal(deadLetters.ToString(CultureInfo.InvariantCulture), bar.GetDomAttribute("data-total"));

        await WaitForAsync(lookups, "Completed");
        // The group is gone from the console once the replay is over, and the audit says who replayed it.
        browser.WaitUntil(d => d.FindElements(By.CssSelector($"#groups-table tr[data-group='{groupId}']")).Count == 0, "the group to go");
        browser.WaitUntil(d => d.FindElements(By.CssSelector("[data-testid=audit-table] tbody tr")).Any(r => r.Text.Contains("console", StringComparison.Ordinal)), "the replay in the audit trail");
        Assert.Empty(browser.ScriptErrors());
        output.WriteLine($"screenshot: {browser.SaveScreenshot("ops-console-replay", through: "#audit-section")}");
    }

    private const string AdminKey = PagesApp.AdminKey;

    public async Task InitializeAsync()
    {
        _rabbit = await RabbitMqNode.StartAsync();
        _simulator = await AppProcess.StartAsync(AppProcess.Simulator, new Dictionary<string, string>(), "/_simulator/stats");
        var environment = new Dictionary<string, string>(_rabbit.BusEnvironment)
        {
            ["Persistence__Provider"] = "DynamoDb",
            ["Persistence__DynamoDb__ServiceUrl"] = dynamo.ServiceUrl,
            ["Persistence__DynamoDb__TablePrefix"] = DynamoDbLocalFixture.NewTablePrefix(),
            ["Upstreams__PostcodesIo__BaseUrl"] = _simulator.BaseAddress.ToString(),
            ["Upstreams__PoliceApi__BaseUrl"] = new Uri(_simulator.BaseAddress, "api/").ToString(),
            // Few, quick retries: the outage dead-letters a command in seconds.
            ["Upstreams__MaxRetryAttempts"] = "1",
            ["Upstreams__RetryBaseDelay"] = "00:00:00.050",
            ["Admin__Keys__console"] = AdminKey,
            // The spec is one client polling several lookups; the per-client limits are not what it tests.
            ["RateLimiting__PermitsPerSecond"] = "100000",
            ["RateLimiting__Burst"] = "100000",
            ["RateLimiting__LookupsInFlight"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        _processes.Add(await AppProcess.StartAsync(AppProcess.Consumers, environment));
        _producers = await AppProcess.StartAsync(AppProcess.Producers, environment);
        _processes.Add(_producers);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        if (_rabbit is not null)
        {
            await _rabbit.DisposeAsync();
        }
    }

    private async Task SetFaultsAsync(bool outage)
    {
        var settings = new { latency = "00:00:00", errorRate = 0.0, outage, target = outage ? "PostcodesIo" : "Both" };
        using var response = await _simulator!.Http.PostAsJsonAsync(new Uri("/_simulator/faults", UriKind.Relative), settings);
        response.EnsureSuccessStatusCode();
    }

    private async Task<Guid> AcceptAsync(string postcode)
    {
        using var response = await Api.GetAsync(new Uri($"/postcode/{Uri.EscapeDataString(postcode)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
    }

    private async Task<string> StatusAsync(Guid id) =>
        (await Api.GetFromJsonAsync<JsonElement>(new Uri($"/lookups/{id}", UriKind.Relative))).GetProperty("status").GetString()!;

    /// <summary>Polls until every lookup is <paramref name="status"/>; fails with their states after 90 s.</summary>
    private async Task WaitForAsync(IReadOnlyCollection<Guid> ids, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var states = new List<string>();
            foreach (var id in ids)
            {
                states.Add(await StatusAsync(id));
            }

            if (states.All(s => s == status))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"lookups not all {status}: {string.Join(", ", states)}");
            await Task.Delay(250);
        }
    }

    /// <summary>The workers' circuit breaker lets geocoding through again: a fresh probe lookup until one completes.</summary>
    private async Task WaitUntilGeocodingWorksAsync()
    {
        foreach (var probe in new[] { "S1 2HE", "L1 8JQ", "BS1 4DJ", "CV1 5FB", "OX1 1DP", "CB2 1TN", "NR1 3JU", "LE1 5WW" })
        {
            var id = await AcceptAsync(probe);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            string state;
            while ((state = await StatusAsync(id)) is "Geocoding" or "FetchingCrimes" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            if (state == "Completed")
            {
                return;
            }
        }

        Assert.Fail("geocoding did not recover after the outage ended");
    }

    private async Task<int> GroupCountAsync(string groupId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/dead-letters/groups", UriKind.Relative));
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await Api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var groups = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("groups");
        return groups.EnumerateArray().Where(g => g.GetProperty("id").GetString() == groupId).Select(g => g.GetProperty("count").GetInt32()).SingleOrDefault();
    }
}
