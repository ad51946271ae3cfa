using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.Simulator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Producers.Tests;

/// <summary>
/// The embedded service on a fake clock: an answer stands for as long as the police publish nothing, whatever the
/// clock says; a new month starts a new attempt for that month alone (the old one stays readable); a data update makes
/// every stored month stale.
/// </summary>
public sealed class When_the_police_publish_Specs : IAsyncLifetime
{
    private const string Path = "/postcode/SW1A%202AA";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private EmbeddedApiFactory _factory = null!;
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _client = null!;

    private UpstreamSimulator Simulator => _host.Services.GetRequiredService<UpstreamSimulator>();

    private IPolicePublicationStore Publications => _host.Services.GetRequiredService<IPolicePublicationStore>();

    private TimeSpan CheckInterval => _host.Services.GetRequiredService<IOptions<LookupOptions>>().Value.PublicationCheckInterval;

    public async Task InitializeAsync()
    {
        _factory = new EmbeddedApiFactory()
            .WithSetting("Functions:Enabled", "false")
            // On a fake clock a 429's Retry-After would never pass: the budget has its own specs.
            .WithSetting("Simulator:EnforcePoliceRateLimit", "false");
        _host = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time))));
        _client = _host.CreateClient();
        await CheckedAtAsync(_time.GetUtcNow());
    }

    [Fact]
    public async Task Should_answer_from_the_store_for_a_month_of_unchanged_publication_then_fetch_only_what_was_published()
    {
        var first = await CompleteAsync(Path);
        var newestBefore = first.Body.GetProperty("month").GetString()!;
        Assert.Equal(1, Simulator.Stats.CrimesRequests);

        // Weeks pass with a check every interval, and the police publish nothing: no new fetch, the same answer.
        for (var day = 0; day < 20; day++)
        {
            _time.Advance(TimeSpan.FromDays(1));
            await CheckedAtAsync(_time.GetUtcNow());
            var hit = await _client.GetAsync(Path);
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
            Assert.Equal(first.ETag, hit.Headers.ETag);
        }

        Assert.Equal(1, Simulator.Stats.CrimesRequests);

        // The police publish a newer month: the next request starts a new attempt for it alone.
        Simulator.Publication.PublishMonth();
        _time.Advance(CheckInterval);
        await PublishedAsync();
        var afterPublication = await _client.GetAsync(Path);
        Assert.Equal(HttpStatusCode.Accepted, afterPublication.StatusCode);
        // Meanwhile, and after, the old month stays readable, from the store.
        var old = await _client.GetAsync($"{Path}?month={newestBefore}");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(first.ETag, old.Headers.ETag);

        var second = await CompleteAsync(Path);
        Assert.NotEqual(newestBefore, second.Body.GetProperty("month").GetString());
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(2, Simulator.Stats.CrimesRequests);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"{Path}?months=2")).StatusCode);
        Assert.Equal(2, Simulator.Stats.CrimesRequests);

        // A data update (the same months, crime-last-updated moved): every stored month is stale.
        Simulator.Publication.UpdateData();
        _time.Advance(CheckInterval);
        await PublishedAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.GetAsync($"{Path}?month={newestBefore}")).StatusCode);
        await CompleteAsync($"{Path}?month={newestBefore}");
        Assert.Equal(3, Simulator.Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_count_the_freshness_left_down_to_the_next_check()
    {
        await CompleteAsync(Path);
        _time.Advance(TimeSpan.FromMinutes(2));

        var hit = await _client.GetAsync(Path);

        Assert.Equal(CheckInterval - TimeSpan.FromMinutes(2), hit.Headers.CacheControl!.MaxAge);
    }

    /// <summary>Waits (for the state, not for a time) until the monitor has stored a check made at or after <paramref name="at"/>.</summary>
    private async Task CheckedAtAsync(DateTimeOffset at)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Publications.GetAsync())?.CheckedAt < at || await Publications.GetAsync() is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no check of the police's publication at {at:O}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until the stored publication is what the simulator publishes now.</summary>
    private async Task PublishedAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await Publications.GetAsync())?.LastUpdated != Simulator.Publication.LastUpdated)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new publication was not checked");
            await Task.Delay(10);
        }
    }

    private async Task<(JsonElement Body, System.Net.Http.Headers.EntityTagHeaderValue ETag)> CompleteAsync(string path)
    {
        var first = await _client.GetAsync(path);
        if (first.StatusCode == HttpStatusCode.Accepted)
        {
            var finished = await _client.UntilFinishedAsync(first.Headers.Location!.OriginalString);
            Assert.Equal("Completed", finished.GetProperty("status").GetString());
        }

        var answer = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<JsonElement>(), answer.Headers.ETag!);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
