using System.Text;
using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Functions.Events;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Persistence;
using EventDriven.Sagas;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Functions.Tests;

/// <summary>The real lookup saga (MassTransit's in-memory test harness) feeds the function through the in-memory stores.</summary>
public sealed class When_recording_scottish_postcodes_Specs : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    private ILookupStateReader Reader => _provider.GetRequiredService<ILookupStateReader>();

    private IUnsupportedPostcodeRegistry Registry => _provider.GetRequiredService<IUnsupportedPostcodeRegistry>();

    private ScottishPostcodeFunction Function => _provider.GetRequiredService<ScottishPostcodeFunction>();

    public async Task InitializeAsync() => await StartAsync(new Dictionary<string, string?>());

    private async Task StartAsync(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<LookupOptions>();
        services.AddLookupPersistence(configuration);
        services.AddMassTransitTestHarness(x => x.AddCrimeLookupSaga(configuration));
        services.AddScottishPostcodeFunction(configuration);
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    private async Task RestartAsync(Dictionary<string, string?> settings)
    {
        await DisposeAsync();
        await StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    /// <summary>Publishes requests the way the Postcode API does and waits until the saga has counted all of them.</summary>
    private async Task RequestAsync(string postcode, int times)
    {
        var key = LookupKey.For(Postcode.Parse(postcode));
        var before = (await Reader.GetAsync(key.CorrelationId))?.RequestCount ?? 0;
        for (var i = 0; i < times; i++)
        {
            await _harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, key.Postcode!.Value.Value, DateTimeOffset.UtcNow));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Reader.GetAsync(key.CorrelationId)) is not { Status: LookupStatus.Unsupported } state || state.RequestCount < before + times)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The saga did not count {times} request(s) for {postcode} in time.");
            await Task.Delay(20);
        }
    }

    private static ScheduledEvent Tick() => ScheduledEvent.For("arn:aws:events:local:000000000000:rule/ScottishPostcodeSchedule", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Should_record_each_scottish_postcode_with_its_exact_count()
    {
        await RequestAsync("EH1 1AA", 3);
        await RequestAsync("G1 1AA", 1);
        await RequestAsync("KW1 4YT", 2);

        var summary = await Function.RunAsync(Tick());

        Assert.Equal(3, summary.Recorded);
        var entries = await Registry.ListAsync();
        Assert.Equal([("EH1 1AA", 3L), ("G1 1AA", 1L), ("KW1 4YT", 2L)], entries.Select(e => (e.Postcode, e.Count)));
        var edinburgh = (await Reader.GetAsync(LookupKey.For(Postcode.Parse("EH1 1AA")).CorrelationId))!;
        var entry = (await Registry.GetAsync("EH1 1AA"))!;
        Assert.Equal(edinburgh.FirstRequestedAt, entry.FirstSeen);
        Assert.Equal(edinburgh.LastRequestedAt, entry.LastSeen);
    }

    [Fact]
    public async Task Should_not_double_count_when_run_twice()
    {
        await RequestAsync("EH1 1AA", 3);

        await Function.RunAsync(Tick());
        await Function.RunAsync(Tick());

        Assert.Equal(3, (await Registry.GetAsync("EH1 1AA"))!.Count);
    }

    [Fact]
    public async Task Should_not_double_count_when_runs_overlap()
    {
        await RequestAsync("EH1 1AA", 4);
        await RequestAsync("AB10 1AB", 2);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Function.RunAsync(Tick()))));

        Assert.Equal(4, (await Registry.GetAsync("EH1 1AA"))!.Count);
        Assert.Equal(2, (await Registry.GetAsync("AB10 1AB"))!.Count);
    }

    [Fact]
    public async Task Should_add_later_requests_without_counting_earlier_ones_again()
    {
        await RequestAsync("EH1 1AA", 2);
        await Function.RunAsync(Tick());

        await RequestAsync("EH1 1AA", 3);
        await Function.RunAsync(Tick());
        await Function.RunAsync(Tick());

        Assert.Equal(5, (await Registry.GetAsync("EH1 1AA"))!.Count);
    }

    [Fact]
    public async Task Should_ignore_lookups_that_are_not_unsupported()
    {
        await RequestAsync("EH1 1AA", 1);
        // An English postcode goes to Geocoding (no geocoder runs here), never to the registry.
        await _harness.Bus.Publish(new PostcodeRequested(LookupKey.For(Postcode.Parse("SW1A 1AA")).CorrelationId, "SW1A 1AA", DateTimeOffset.UtcNow));
        Assert.True(await _harness.Consumed.Any<PostcodeRequested>(x => x.Context.Message.Postcode == "SW1A 1AA"));

        await Function.RunAsync(Tick());

        Assert.Equal(["EH1 1AA"], (await Registry.ListAsync()).Select(e => e.Postcode));
    }

    [Fact]
    public async Task Should_page_through_the_store_and_read_only_what_changed_since_the_last_run()
    {
        await RestartAsync(new() { ["ScottishPostcodes:PageSize"] = "2", ["ScottishPostcodes:Overlap"] = "00:00:00" });
        foreach (var postcode in new[] { "EH1 1AA", "EH2 2BB", "G1 1AA", "DD1 1AA", "PA1 1AA" })
        {
            await RequestAsync(postcode, 1);
        }

        var first = await Function.RunAsync(Tick());
        var second = await Function.RunAsync(Tick());
        await RequestAsync("G1 1AA", 1);
        var third = await Function.RunAsync(Tick());

        Assert.Equal((3, 5, 5), (first.Pages, first.Read, first.Recorded));
        Assert.Null(first.ReadFrom);
        Assert.Equal(0, second.Read);
        Assert.Equal(first.NewWatermark, second.ReadFrom);
        Assert.Equal(1, third.Read);
        Assert.Equal(2, (await Registry.GetAsync("G1 1AA"))!.Count);
        Assert.Equal(5, (await Registry.ListAsync()).Count);
    }

    [Fact]
    public async Task Should_refuse_a_malformed_event_and_change_nothing()
    {
        await RequestAsync("EH1 1AA", 1);

        var error = await Assert.ThrowsAsync<InvalidScheduledEventException>(
            () => Function.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"}"))));

        Assert.Contains("no 'time'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Registry.ListAsync());
        Assert.Null(await Registry.GetWatermarkAsync());
    }

    [Fact]
    public async Task Should_answer_the_Lambda_runtime_with_the_summary_as_JSON()
    {
        await RequestAsync("EH1 1AA", 2);

        await using var response = await Function.HandleAsync(Tick().ToStream());
        using var json = await System.Text.Json.JsonDocument.ParseAsync(response);

        Assert.Equal(1, json.RootElement.GetProperty("recorded").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("read").GetInt32());
    }
}
