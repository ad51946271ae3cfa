using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Persistence;
using EventDriven.Sagas;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Functions.Tests;

/// <summary>
/// The composition the API host uses in embedded mode: in-memory bus and stores, the lookup saga, and
/// AddLocalFunctionScheduler. A Scottish request reaches the registry on the next 5-minute tick, with no Lambda involved.
/// </summary>
public sealed class When_embedded_in_the_API_process_Specs : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 3, 0, TimeSpan.Zero));
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddMetrics();
        services.AddOptions<LookupOptions>();
        services.AddLookupPersistence(configuration);
        services.AddMassTransitTestHarness(x => x.AddCrimeLookupSaga(configuration));
        services.AddLocalFunctionScheduler(configuration);
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start(); // starts the hosted services too, the scheduler among them
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Should_move_a_scottish_lookup_into_the_registry_on_the_next_tick()
    {
        var key = LookupKey.For(Postcode.Parse("EH1 1AA"));
        var reader = _provider.GetRequiredService<ILookupStateReader>();
        var registry = _provider.GetRequiredService<IUnsupportedPostcodeRegistry>();
        var status = _provider.GetRequiredService<LocalSchedulerStatus>();

        await _harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, "EH1 1AA", _time.GetUtcNow()));
        await _harness.Bus.Publish(new PostcodeRequested(key.CorrelationId, "EH1 1AA", _time.GetUtcNow()));
        await Eventually(async () => await reader.GetAsync(key.CorrelationId) is { Status: LookupStatus.Unsupported, RequestCount: 2 }, "the saga counted both requests");
        await Eventually(() => Task.FromResult(status.Rules.TryGetValue("ScottishPostcodeSchedule", out var s) && s.NextRun == new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero)), "the rule is armed for 10:05");
        Assert.Null(await registry.GetAsync("EH1 1AA"));

        _time.Advance(TimeSpan.FromMinutes(2));

        await Eventually(async () => await registry.GetAsync("EH1 1AA") is { Count: 2 }, "the registry holds EH1 1AA with 2 requests");
        Assert.False(status.Rules.ContainsKey("SnapshotSchedule"));
    }
}
