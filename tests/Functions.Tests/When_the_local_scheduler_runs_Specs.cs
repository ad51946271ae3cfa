using Amazon.EC2;
using EventDriven.Contracts;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Functions.Snapshots;
using EventDriven.Persistence;
using EventDriven.Sagas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Functions.Tests;

/// <summary>The scheduler reads the rules from cloudformation/functions.yaml (the copy in the build output) and fires them on a fake clock.</summary>
public sealed class When_the_local_scheduler_runs_Specs : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 2, 53, 30, TimeSpan.Zero));
    private readonly ListedLookupStateReader _reader = new();
    private readonly FakeEc2 _ec2;
    private ServiceProvider? _provider;
    private IHostedService? _scheduler;

    public When_the_local_scheduler_runs_Specs() => _ec2 = new FakeEc2(_time);

    private async Task<ServiceProvider> StartAsync(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ILookupStateReader>(_reader);
        services.AddSingleton<IAmazonEC2>(_ec2.Client);
        services.AddLookupPersistence(configuration);
        // What the API host calls in embedded mode:
        services.AddLocalFunctionScheduler(configuration);
        _provider = services.BuildServiceProvider();
        _scheduler = _provider.GetServices<IHostedService>().OfType<LocalFunctionScheduler>().Single();
        await _scheduler.StartAsync(CancellationToken.None);
        return _provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.StopAsync(CancellationToken.None);
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private LocalSchedulerStatus Status => _provider!.GetRequiredService<LocalSchedulerStatus>();

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }

    private Task ArmedFor(string rule, DateTimeOffset next) =>
        Eventually(() => Status.Rules.TryGetValue(rule, out var s) && s.NextRun == next, $"{rule} is armed for {next:u}");

    private void AddUnsupported(string postcode, long requests)
    {
        var now = _time.GetUtcNow();
        _reader.Add(new CrimeLookupState
        {
            CorrelationId = Guid.NewGuid(),
            CurrentState = LookupStatus.Unsupported,
            Postcode = postcode,
            RequestCount = requests,
            FirstRequestedAt = now.AddMinutes(-10),
            LastRequestedAt = now,
            UpdatedAt = now,
        });
    }

    [Fact]
    public async Task Should_fire_the_scottish_rule_every_five_minutes()
    {
        var provider = await StartAsync([]);
        var registry = provider.GetRequiredService<IUnsupportedPostcodeRegistry>();
        AddUnsupported("EH1 1AA", 3);

        await ArmedFor("ScottishPostcodeSchedule", new DateTimeOffset(2026, 11, 23, 2, 55, 0, TimeSpan.Zero));
        Assert.Null(await registry.GetAsync("EH1 1AA"));
        _time.Advance(TimeSpan.FromSeconds(90));
        await Eventually(() => Status.Rules["ScottishPostcodeSchedule"].Runs == 1, "the first run is done");
        Assert.Equal(3, (await registry.GetAsync("EH1 1AA"))!.Count);

        await ArmedFor("ScottishPostcodeSchedule", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        AddUnsupported("G1 1AA", 1);
        _time.Advance(TimeSpan.FromMinutes(5));
        await Eventually(() => Status.Rules["ScottishPostcodeSchedule"].Runs == 2, "the second run is done");
        Assert.Equal(1, (await registry.GetAsync("G1 1AA"))!.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero), Status.Rules["ScottishPostcodeSchedule"].LastRun);
    }

    [Fact]
    public async Task Should_leave_the_snapshot_rule_alone_unless_enabled_locally()
    {
        _ec2.AddVolume("vol-a", ("eventdriven:snapshot", "true"));
        await StartAsync([]);

        await ArmedFor("ScottishPostcodeSchedule", new DateTimeOffset(2026, 11, 23, 2, 55, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromSeconds(90));
        await Eventually(() => Status.Rules["ScottishPostcodeSchedule"].Runs == 1, "the first Scottish run is done");
        await ArmedFor("ScottishPostcodeSchedule", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(5));
        await Eventually(() => Status.Rules["ScottishPostcodeSchedule"].Runs == 2, "the second Scottish run is done");

        Assert.False(Status.Rules.ContainsKey("SnapshotSchedule"));
        Assert.Equal(0, _ec2.DescribeVolumesCalls);
    }

    [Fact]
    public async Task Should_fire_the_snapshot_rule_at_three_when_enabled_locally()
    {
        _ec2.AddVolume("vol-a", ("eventdriven:snapshot", "true"));
        await StartAsync(new() { ["Functions:Snapshot:EnableLocally"] = "true" });

        await ArmedFor("SnapshotSchedule", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(30));
        await Eventually(() => Status.Rules["SnapshotSchedule"].Runs == 1, "the snapshot run is done");

        var snapshot = Assert.Single(_ec2.Snapshots);
        Assert.Equal("2026-11-23T03:00Z", SnapshotTags.Get(snapshot.Tags, SnapshotTags.RunId));
        Assert.True(Status.Rules["SnapshotSchedule"].LastSummary!.Succeeded);
        await ArmedFor("SnapshotSchedule", new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Should_keep_the_schedule_going_after_a_failed_run()
    {
        _ec2.AddVolume("vol-busy", ("eventdriven:snapshot", "true"));
        _ec2.FailCreateFor.Add("vol-busy");
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 2, 59, 0, TimeSpan.Zero));
        await StartAsync(new() { ["Functions:Snapshot:EnableLocally"] = "true" });

        await ArmedFor("SnapshotSchedule", new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually(() => Status.Rules["SnapshotSchedule"].FailedRuns == 1, "the failed run is recorded");

        _ec2.FailCreateFor.Clear();
        await ArmedFor("SnapshotSchedule", new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromDays(1));
        await Eventually(() => Status.Rules["SnapshotSchedule"].Runs == 2, "the next night's run is done");
        Assert.Single(_ec2.Snapshots);
    }

    [Fact]
    public async Task Should_refuse_to_start_with_a_template_EventBridge_would_refuse()
    {
        var path = Path.Combine(Path.GetTempPath(), $"functions-{Guid.NewGuid():N}.yaml");
        var template = await File.ReadAllTextAsync(LocalSchedulerOptions.DefaultTemplatePath);
        await File.WriteAllTextAsync(path, template.Replace("rate(5 minutes)", "rate(5 minute)", StringComparison.Ordinal));
        try
        {
            var error = await Assert.ThrowsAsync<ScheduleTemplateException>(() => StartAsync(new() { ["Functions:TemplatePath"] = path }));

            Assert.Contains("Rule ScottishPostcodeSchedule", error.Message, StringComparison.Ordinal);
            Assert.Contains("plural", error.Message, StringComparison.Ordinal);
            _scheduler = null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Should_refuse_to_start_without_the_template()
    {
        // Options validation stops it before the scheduler runs, naming the key and the path.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["Functions:TemplatePath"] = "/nonexistent/functions.yaml" }));

        Assert.Contains("/nonexistent/functions.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("Functions__TemplatePath", error.Message, StringComparison.Ordinal);
        _scheduler = null;
    }

    [Fact]
    public async Task Should_run_nothing_when_disabled()
    {
        AddUnsupported("EH1 1AA", 3);
        var provider = await StartAsync(new() { ["Functions:Enabled"] = "false" });

        _time.Advance(TimeSpan.FromMinutes(30));
        await Task.Delay(100);

        Assert.Empty(Status.Rules);
        Assert.Null(await provider.GetRequiredService<IUnsupportedPostcodeRegistry>().GetAsync("EH1 1AA"));
    }
}
